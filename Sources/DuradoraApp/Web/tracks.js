// The track table every view uses (album, playlist, search, favourites, history): play from here, queue, add to a
// playlist, star, rate. One implementation, so every list behaves the same.
import { api } from "./api.js";
import { h, formatTime, toast } from "./dom.js";
import { player } from "./player.js";
import { icon } from "./icons.js";
import { session } from "./session.js";

/** A star toggle for a track, album or artist (`kind` is "tracks", "albums" or "artists"). */
export function starButton(kind, item) {
  const button = h("button", { type: "button", class: "icon star" });
  const show = () => {
    const starred = !!item.starred_at;
    button.textContent = starred ? "★" : "☆";
    button.setAttribute("aria-pressed", String(starred));
    button.setAttribute("aria-label", `${starred ? "Unstar" : "Star"} ${item.title || item.name || "this"}`);
  };
  button.addEventListener("click", async () => {
    const starred = !!item.starred_at;
    try {
      await api(`/api/v1/me/favorites/${kind}/${item.id}`, { method: starred ? "DELETE" : "PUT" });
      item.starred_at = starred ? null : new Date().toISOString();
      show();
    } catch (error) { toast(error.message); }
  });
  show();
  return session.user ? button : null;
}

/** Five buttons for a 1–5 rating; choosing the current rating again clears it. */
export function ratingControl(track) {
  if (!session.user) return null;
  const group = h("span", { class: "stars", role: "group", "aria-label": `Rating of ${track.title || "track"}` });
  const show = () => {
    [...group.children].forEach((button, index) => {
      button.textContent = index < (track.rating || 0) ? "★" : "☆";
      button.setAttribute("aria-pressed", String(index < (track.rating || 0)));
    });
  };
  for (let value = 1; value <= 5; value++) {
    group.append(h("button", { type: "button", class: "icon", "aria-label": `Rate ${value} of 5`, onclick: async () => {
      const rating = track.rating === value ? 0 : value;
      try {
        await api(`/api/v1/tracks/${track.id}/rating`, { method: "PUT", json: { rating } });
        track.rating = rating; show();
      } catch (error) { toast(error.message); }
    } }));
  }
  show();
  return group;
}

let myPlaylists = null;
/** The signed-in user's playlists, loaded once per page life and refreshed when one is created. */
export async function ownPlaylists(reload = false) {
  if (!session.user) return [];
  if (!myPlaylists || reload) {
    const page = await api(`/api/v1/users/${encodeURIComponent(session.user.username)}/playlists?limit=500`);
    myPlaylists = page.items;
  }
  return myPlaylists;
}

async function addToPlaylist(track, select) {
  const id = select.value;
  select.value = "";
  if (!id) return;
  try {
    await api(`/api/v1/playlists/${id}/tracks`, { method: "POST", json: { track_id: track.id } });
    const playlist = myPlaylists.find((item) => item.id === id);
    toast(`Added to “${playlist ? playlist.name : "playlist"}”`);
  } catch (error) { toast(error.message); }
}

function playlistPicker(track) {
  if (!session.user) return null;
  const select = h("select", { "aria-label": `Add ${track.title || "track"} to a playlist` },
    h("option", { value: "" }, "+ Playlist"));
  select.addEventListener("focus", async () => {
    if (select.options.length > 1) return;
    for (const playlist of await ownPlaylists()) select.append(h("option", { value: playlist.id }, playlist.name));
  }, { once: true });
  select.addEventListener("change", () => addToPlaylist(track, select));
  return select;
}

/**
 * A table of tracks. Options: `numbered` (track numbers), `extra(track, index)` (more cells, e.g. remove from a
 * playlist), `row(tr, index)` (to make rows draggable).
 */
export function trackTable(tracks, { numbered = false, extra, row } = {}) {
  const rows = tracks.map((track, index) => {
    const tr = h("tr", { dataset: { trackId: track.id } },
      h("td", { class: "num" }, numbered ? (track.track_number ?? "") : index + 1),
      h("td", {}, h("button", { type: "button", class: "icon", "aria-label": `Play ${track.title || "Untitled"}`,
                               disabled: track.status !== "ready", onclick: () => player.playList(tracks, index) }, icon("play")),
        " ", track.title || "Untitled",
        track.status !== "ready" ? h("span", { class: "muted" }, ` (${track.status})`) : null),
      h("td", { class: "hide-narrow" }, track.artist_id ? h("a", { href: `#/artists/${track.artist_id}` }, track.artist || "") : (track.artist || "")),
      h("td", { class: "hide-narrow" }, track.album_id ? h("a", { href: `#/albums/${track.album_id}` }, track.album || "") : (track.album || "")),
      h("td", { class: "time" }, formatTime(track.duration_seconds)),
      h("td", { class: "actions" },
        h("button", { type: "button", class: "icon", "aria-label": `Add ${track.title || "track"} to the queue`,
                      disabled: track.status !== "ready", onclick: () => player.enqueue([track]) }, icon("plus")),
        starButton("tracks", track), playlistPicker(track), extra ? extra(track, index) : null));
    if (row) row(tr, index);
    return tr;
  });
  const table = h("table", { class: "tracks" },
    h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "Title"), h("th", { class: "hide-narrow" }, "Artist"),
      h("th", { class: "hide-narrow" }, "Album"), h("th", {}, "Time"),
      h("th", {}, h("span", { class: "visually-hidden" }, "Actions")))),
    h("tbody", {}, rows));
  const highlight = (current) => {
    for (const tr of table.tBodies[0].rows) tr.classList.toggle("playing", !!current && tr.dataset.trackId === current.id);
  };
  highlight(player.current);
  const stop = player.onChange((current) => { if (!table.isConnected && table.dataset.mounted) return stop(); highlight(current); });
  requestAnimationFrame(() => { table.dataset.mounted = "1"; });
  return table;
}
