// Home: recently added albums, recently played, favourites. Each section loads on its own, so one failing
// (say, nobody signed in for history) never blanks the page.
import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { session } from "./session.js";
import { albumCard } from "./view-library.js";
import { trackTable } from "./tracks.js";

async function section(title, load) {
  const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const element = h("section", {}, h("h2", {}, title), body);
  load().then((content) => fill(body, content)).catch((error) => fill(body, h("p", { class: "muted" }, error.message)));
  return element;
}

const grid = (albums, empty) => albums.length ? h("div", { class: "grid" }, albums.map(albumCard)) : h("p", { class: "muted" }, empty);

export async function render(view) {
  const parts = [h("h1", {}, session.user ? `Welcome back, ${session.user.username}` : "Welcome to Duradora")];
  parts.push(await section("Recently added", async () =>
    grid((await api("/api/v1/albums?sort=newest&limit=12")).items, "No albums yet: upload or import some music.")));
  if (session.user) {
    parts.push(await section("Recently played", async () =>
      grid((await api("/api/v1/albums?sort=recent&limit=12")).items, "Nothing played yet.")));
    parts.push(await section("Favourite albums", async () =>
      grid((await api("/api/v1/me/favorites")).albums.slice(0, 12), "Star an album to see it here.")));
  } else {
    parts.push(h("p", {}, h("a", { href: "#/login" }, "Log in"), " to keep favourites, history and playlists."));
  }
  parts.push(await section("Latest tracks", async () => {
    const tracks = (await api("/api/v1/tracks?limit=10")).items;
    return tracks.length ? trackTable(tracks) : h("p", { class: "muted" }, "No tracks yet.");
  }));
  fill(view, parts);
}
