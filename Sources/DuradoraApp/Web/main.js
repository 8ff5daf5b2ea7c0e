// Start-up and the client-side router: one module per view, each `render(main, params)` into <main>. Routes live
// in the URL fragment, so `/` is the only page the server needs to serve and a share link works as is.
import { h, fill } from "./dom.js";
import { mountPlayer, player } from "./player.js";
import { session, refreshSession, logOut } from "./session.js";
import * as home from "./view-home.js";
import * as library from "./view-library.js";
import * as search from "./view-search.js";
import * as playlists from "./view-playlists.js";
import * as upload from "./view-upload.js";
import * as account from "./view-account.js";
import * as admin from "./view-admin.js";
import * as login from "./view-login.js";

const routes = [
  [/^$/, home.render, "Home"],
  [/^login$/, login.renderLogin, "Log in"],
  [/^register$/, login.renderRegister, "Register"],
  [/^albums$/, library.renderAlbums, "Albums"],
  [/^albums\/([^/]+)$/, library.renderAlbum, "Album"],
  [/^artists$/, library.renderArtists, "Artists"],
  [/^artists\/([^/]+)$/, library.renderArtist, "Artist"],
  [/^genres$/, library.renderGenres, "Genres"],
  [/^genres\/(.+)$/, library.renderGenre, "Genre"],
  [/^search\/(.*)$/, search.render, "Search"],
  [/^playlists$/, playlists.renderList, "Playlists"],
  [/^playlists\/([^/]+)$/, playlists.renderPlaylist, "Playlist"],
  [/^shared\/([^/]+)$/, playlists.renderShared, "Shared playlist"],
  [/^favorites$/, library.renderFavorites, "Favourites", true],
  [/^history$/, library.renderHistory, "History", true],
  [/^upload$/, upload.render, "Upload", true],
  [/^account$/, account.render, "Account", true],
  [/^admin$/, admin.render, "Admin", true],
];

const main = document.getElementById("main");
let renderCount = 0;

export function navigate(path) { location.hash = `#/${path}`; }

async function route() {
  const path = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
  const found = routes.find(([pattern]) => pattern.test(path));
  const ticket = ++renderCount;
  for (const link of document.querySelectorAll(".side a")) {
    const target = link.getAttribute("href").replace(/^#\/?/, "");
    link.toggleAttribute("aria-current", target === path || (target && path.startsWith(`${target}/`)));
    if (link.hasAttribute("aria-current")) link.setAttribute("aria-current", "page");
  }
  if (!found) return fill(main, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Back home")));
  const [pattern, render, title, needsUser] = found;
  if (needsUser && !session.user) return navigate("login");
  document.title = `${title} · Duradora`;
  fill(main, h("p", { class: "muted", "aria-busy": "true" }, "Loading…"));
  try {
    const view = h("div");
    await render(view, path.match(pattern).slice(1));
    if (ticket !== renderCount) return; // a newer navigation won
    fill(main, view.childNodes.length ? [...view.childNodes] : view);
  } catch (error) {
    if (ticket !== renderCount) return;
    if (error.status === 401) return navigate("login");
    fill(main, h("h1", {}, title), h("p", { class: "error", role: "alert" }, error.message || String(error)));
  }
}

export function renderAccount() {
  const nav = document.getElementById("account");
  document.querySelectorAll("[data-auth]").forEach((link) => { link.hidden = !session.user; });
  document.querySelectorAll("[data-admin]").forEach((link) => { link.hidden = session.user?.role !== "admin"; });
  player.setSignedIn(!!session.user);
  if (session.user) {
    fill(nav, h("span", { class: "muted" }, session.user.username),
      h("button", { type: "button", id: "logout", onclick: async () => {
        await logOut(); renderAccount(); navigate("login");
      } }, "Log out"));
  } else {
    fill(nav, h("a", { href: "#/login" }, "Log in"), h("a", { href: "#/register" }, "Register"));
  }
}

function setupSearch() {
  const input = document.getElementById("search");
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => navigate(`search/${encodeURIComponent(input.value.trim())}`), 180);
  });
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(`search/${encodeURIComponent(input.value.trim())}`);
  });
}

async function start() {
  mountPlayer(document.getElementById("player"));
  setupSearch();
  await refreshSession();
  renderAccount();
  window.addEventListener("hashchange", route);
  await route();
}

start();
