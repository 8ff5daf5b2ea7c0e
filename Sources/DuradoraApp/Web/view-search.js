// Search as you type across artists, albums and tracks (the header's field navigates here on every pause).
import { api, query } from "./api.js";
import { h, fill } from "./dom.js";
import { albumCard, artistCard } from "./view-library.js";
import { trackTable } from "./tracks.js";

export async function render(view, [text]) {
  const q = text.trim();
  const input = document.getElementById("search");
  if (document.activeElement !== input) input.value = q;
  if (!q) return fill(view, h("h1", {}, "Search"), h("p", { class: "muted" }, "Type in the search field above."));
  const [artists, albums, tracks] = await Promise.all([
    api(`/api/v1/artists${query({ q, limit: 12 })}`).catch(() => ({ items: [] })),
    api(`/api/v1/albums${query({ q, limit: 12 })}`).catch(() => ({ items: [] })),
    api(`/api/v1/tracks${query({ q, limit: 50 })}`),
  ]);
  const empty = !artists.items.length && !albums.items.length && !tracks.items.length;
  fill(view, h("h1", {}, `Results for “${q}”`), empty ? h("p", { class: "muted" }, "Nothing matches.") : [
    artists.items.length ? [h("h2", {}, "Artists"), h("div", { class: "grid" }, artists.items.map(artistCard))] : null,
    albums.items.length ? [h("h2", {}, "Albums"), h("div", { class: "grid" }, albums.items.map(albumCard))] : null,
    tracks.items.length ? [h("h2", {}, "Tracks"), trackTable(tracks.items)] : null,
  ]);
}
