// Playlists: the list (public ones plus the caller's), create, a playlist page with edit, drag-to-reorder, remove,
// delete, visibility and "copy share link", and the read-only page a share link opens for anyone.
import { api, query } from "./api.js";
import { h, fill, formatTime, toast } from "./dom.js";
import { player } from "./player.js";
import { session } from "./session.js";
import { trackTable, ownPlaylists } from "./tracks.js";
import { icon } from "./icons.js";

/** Renders the current route again (the router listens to hashchange). */
const reload = () => window.dispatchEvent(new HashChangeEvent("hashchange"));

const VISIBILITIES = [["private", "Private"], ["public", "Public"], ["link", "Anyone with the link"]];

function playlistRow(playlist) {
  return h("li", {}, h("a", { class: "grow", href: `#/playlists/${playlist.id}` }, playlist.name),
    h("span", { class: "muted" }, `${playlist.track_count} tracks · ${formatTime(playlist.duration_seconds)} · ${playlist.visibility}`));
}

export async function renderList(view) {
  const page = await api("/api/v1/playlists?limit=500");
  const parts = [h("h1", {}, "Playlists")];
  if (session.user) {
    const name = h("input", { id: "new-playlist-name", required: true, maxlength: 200, autocomplete: "off" });
    parts.push(h("form", { class: "toolbar", id: "new-playlist", onsubmit: async (event) => {
      event.preventDefault();
      try {
        const created = await api("/api/v1/playlists", { method: "POST", json: { name: name.value.trim() } });
        await ownPlaylists(true);
        location.hash = `#/playlists/${created.id}`;
      } catch (error) { toast(error.message); }
    } }, h("label", {}, "New playlist ", name), h("button", { type: "submit", class: "primary" }, "Create")));
  }
  parts.push(page.items.length ? h("ul", { class: "list", id: "playlists" }, page.items.map(playlistRow))
    : h("p", { class: "muted" }, "No playlists yet."));
  fill(view, parts);
}

function shareURL(playlist) { return `${location.origin}/#/shared/${playlist.share_token}`; }

async function copy(text) {
  try { await navigator.clipboard.writeText(text); toast("Share link copied"); }
  catch { window.prompt("Copy the share link:", text); }
}

function editor(playlist, rerender) {
  const name = h("input", { value: playlist.name, required: true, maxlength: 200 });
  const description = h("textarea", { rows: 2, maxlength: 2000 }, playlist.description || "");
  const visibility = h("select", {}, VISIBILITIES.map(([value, label]) =>
    h("option", { value, selected: value === playlist.visibility }, label)));
  return h("details", { class: "panel" }, h("summary", {}, "Edit playlist"),
    h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api(`/api/v1/playlists/${playlist.id}`, { method: "PATCH",
          json: { name: name.value.trim(), description: description.value, visibility: visibility.value } });
        await ownPlaylists(true);
        toast("Playlist saved");
        rerender();
      } catch (error) { toast(error.message); }
    } },
    h("label", {}, "Name", name), h("label", {}, "Description", description), h("label", {}, "Visibility", visibility),
    h("div", { class: "toolbar" }, h("button", { type: "submit", class: "primary" }, "Save"),
      h("button", { type: "button", class: "danger", onclick: async () => {
        if (!window.confirm(`Delete “${playlist.name}”?`)) return;
        await api(`/api/v1/playlists/${playlist.id}`, { method: "DELETE" });
        await ownPlaylists(true);
        location.hash = "#/playlists";
      } }, "Delete playlist"))));
}

/** Rows that can be dragged onto each other; a drop sends the whole new order (a permutation) to the server. */
function reorderable(playlist, rerender) {
  let dragged = -1;
  return (tr, index) => {
    tr.setAttribute("draggable", "true");
    tr.addEventListener("dragstart", (event) => { dragged = index; event.dataTransfer.effectAllowed = "move"; });
    tr.addEventListener("dragover", (event) => { event.preventDefault(); tr.classList.add("drag-over"); });
    tr.addEventListener("dragleave", () => tr.classList.remove("drag-over"));
    tr.addEventListener("drop", async (event) => {
      event.preventDefault();
      if (dragged < 0 || dragged === index) return;
      const ids = playlist.tracks.map((entry) => entry.entry_id);
      const [moved] = ids.splice(dragged, 1);
      ids.splice(index, 0, moved);
      try {
        await api(`/api/v1/playlists/${playlist.id}/tracks`, { method: "PUT", json: { entry_ids: ids } });
        rerender();
      } catch (error) { toast(error.message); }
    });
  };
}

function page(view, playlist, { editable, rerender }) {
  const tracks = playlist.tracks.map((entry) => entry.track);
  fill(view, h("h1", {}, playlist.name),
    playlist.description ? h("p", {}, playlist.description) : null,
    h("p", { class: "muted" }, `${playlist.owner ? `By ${playlist.owner} · ` : ""}${playlist.track_count} tracks · `
      + `${formatTime(playlist.duration_seconds)} · ${playlist.visibility}`),
    h("div", { class: "toolbar" },
      h("button", { type: "button", class: "primary", id: "play-playlist", onclick: () => player.playList(tracks, 0) }, "▶ Play"),
      h("button", { type: "button", onclick: () => player.enqueue(tracks) }, "Add to queue"),
      editable && playlist.visibility === "link" && playlist.share_token
        ? h("button", { type: "button", id: "copy-share", onclick: () => copy(shareURL(playlist)) }, "Copy share link") : null),
    editable ? editor(playlist, rerender) : null,
    tracks.length ? trackTable(tracks, editable ? {
      row: reorderable(playlist, rerender),
      extra: (_track, index) => h("button", { type: "button", class: "icon",
        "aria-label": `Remove ${tracks[index].title || "track"} from the playlist`, onclick: async () => {
          await api(`/api/v1/playlists/${playlist.id}/tracks/${playlist.tracks[index].entry_id}`, { method: "DELETE" });
          rerender();
        } }, icon("close")),
    } : {}) : h("p", { class: "muted" }, editable ? "Add tracks with “+ Playlist” on any track." : "This playlist is empty."));
}

export async function renderPlaylist(view, [id]) {
  const playlist = await api(`/api/v1/playlists/${encodeURIComponent(id)}`);
  const editable = !!session.user && (session.user.id === playlist.owner_id || session.user.role === "admin");
  page(view, playlist, { editable, rerender: reload });
}

export async function renderShared(view, [token]) {
  const playlist = await api(`/api/v1/playlists/shared/${encodeURIComponent(token)}${query({})}`);
  page(view, playlist, { editable: false });
}
