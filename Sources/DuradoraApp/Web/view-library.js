// Browsing: albums (sortable cover grid, paged), an album, artists (A–Z), an artist, genres, favourites, history.
import { api, query } from "./api.js";
import { h, fill, cover, pager, formatTime } from "./dom.js";
import { player } from "./player.js";
import { trackTable, starButton } from "./tracks.js";

const ALBUM_SORTS = [["newest", "Recently added"], ["name", "Name"], ["artist", "Artist"], ["year", "Year"],
  ["recent", "Recently played"], ["frequent", "Most played"], ["starred", "Starred"], ["random", "Random"]];

export function albumCard(album) {
  return h("a", { class: "card", href: `#/albums/${album.id}` },
    cover(album.cover_url, `Cover of ${album.name || "album"}`),
    h("div", { class: "meta" }, h("div", { class: "title" }, album.name || "Unknown album"),
      h("div", { class: "sub" }, [album.artist, album.year].filter(Boolean).join(" · "))));
}

export function artistCard(artist) {
  return h("a", { class: "card", href: `#/artists/${artist.id}` },
    cover(artist.cover_url, `Picture of ${artist.name || "artist"}`),
    h("div", { class: "meta" }, h("div", { class: "title" }, artist.name || "Unknown artist"),
      h("div", { class: "sub" }, `${artist.album_count ?? 0} albums · ${artist.track_count ?? 0} tracks`)));
}

export async function renderAlbums(view, _params, filters = {}) {
  const sort = sessionStorage.getItem("duradora.albumSort") || "newest";
  const grid = h("div", { class: "grid", id: "album-grid" });
  const select = h("select", { id: "album-sort", "aria-label": "Sort albums by" },
    ALBUM_SORTS.map(([value, label]) => h("option", { value, selected: value === sort }, label)));
  select.addEventListener("change", () => {
    sessionStorage.setItem("duradora.albumSort", select.value);
    fill(grid);
    grid.nextElementSibling?.tagName === "BUTTON" && grid.nextElementSibling.remove();
    load();
  });
  fill(view, h("h1", {}, filters.genre ? `Genre: ${filters.genre}` : "Albums"),
    h("div", { class: "toolbar" }, h("label", {}, "Sort ", select)), grid);
  // Paged, so a 10 000-album library never becomes a 10 000-node page: "Load more" adds the next page.
  const load = () => pager(grid, (offset, limit) =>
    api(`/api/v1/albums${query({ sort: select.value, genre: filters.genre, limit, offset })}`),
  (items) => {
    grid.append(...items.map(albumCard));
    if (!grid.children.length) grid.append(h("p", { class: "muted" }, "No albums yet."));
  });
  await load();
}

export async function renderAlbum(view, [id]) {
  const album = await api(`/api/v1/albums/${encodeURIComponent(id)}`);
  const tracks = album.tracks || [];
  fill(view, h("div", { class: "album-head" }, cover(album.cover_url, `Cover of ${album.name}`, 360),
    h("div", {}, h("h1", {}, album.name || "Unknown album"),
      h("p", {}, album.artist_id ? h("a", { href: `#/artists/${album.artist_id}` }, album.artist || "") : album.artist,
        h("span", { class: "muted" }, [album.year, album.genre, `${album.track_count} tracks`,
          formatTime(album.duration_seconds)].filter(Boolean).map((part) => ` · ${part}`).join(""))),
      h("div", { class: "toolbar" },
        h("button", { type: "button", class: "primary", id: "play-album", onclick: () => player.playList(tracks, 0) }, "▶ Play"),
        h("button", { type: "button", onclick: () => player.enqueue(tracks) }, "Add to queue"),
        starButton("albums", album)))),
  trackTable(tracks, { numbered: true }));
}

export async function renderArtists(view) {
  const grid = h("div", { class: "grid" });
  const letters = h("nav", { class: "letters", "aria-label": "Jump to letter" });
  fill(view, h("h1", {}, "Artists"), letters, grid);
  const seen = new Set();
  await pager(grid, (offset, limit) => api(`/api/v1/artists${query({ sort: "name", limit, offset })}`), (items) => {
    for (const artist of items) {
      const card = artistCard(artist);
      const letter = (artist.sort_name || artist.name || "#").trim().charAt(0).toUpperCase();
      const key = /[A-Z]/.test(letter) ? letter : "#";
      if (!seen.has(key)) {
        seen.add(key);
        card.id = `letter-${key}`;
        letters.append(h("a", { href: `#/artists`, onclick: (event) => {
          event.preventDefault();
          document.getElementById(`letter-${key}`)?.scrollIntoView({ behavior: "smooth" });
        } }, key));
      }
      grid.append(card);
    }
    if (!grid.children.length) grid.append(h("p", { class: "muted" }, "No artists yet."));
  }, 200);
}

export async function renderArtist(view, [id]) {
  const artist = await api(`/api/v1/artists/${encodeURIComponent(id)}`);
  const albums = artist.albums || [];
  fill(view, h("div", { class: "album-head" }, cover(artist.cover_url, `Picture of ${artist.name}`, 360),
    h("div", {}, h("h1", {}, artist.name || "Unknown artist"),
      h("p", { class: "muted" }, `${artist.album_count} albums · ${artist.track_count} tracks`),
      h("div", { class: "toolbar" },
        h("button", { type: "button", class: "primary", onclick: async () => {
          const full = await Promise.all(albums.map((album) => api(`/api/v1/albums/${album.id}`)));
          player.playList(full.flatMap((album) => album.tracks || []), 0);
        } }, "▶ Play all"), starButton("artists", artist)))),
  h("h2", {}, "Albums"), h("div", { class: "grid" }, albums.map(albumCard)));
}

export async function renderGenres(view) {
  const genres = await api("/api/v1/genres");
  fill(view, h("h1", {}, "Genres"), genres.items.length
    ? h("ul", { class: "list" }, genres.items.map((genre) => h("li", {},
      h("a", { class: "grow", href: `#/genres/${encodeURIComponent(genre.name)}` }, genre.name),
      h("span", { class: "muted" }, `${genre.album_count} albums · ${genre.track_count} tracks`))))
    : h("p", { class: "muted" }, "No genres yet."));
}

export function renderGenre(view, [name]) {
  return renderAlbums(view, [], { genre: name });
}

export async function renderFavorites(view) {
  const favorites = await api("/api/v1/me/favorites");
  fill(view, h("h1", {}, "Favourites"),
    h("h2", {}, "Albums"), favorites.albums.length ? h("div", { class: "grid" }, favorites.albums.map(albumCard))
      : h("p", { class: "muted" }, "Star an album to find it here."),
    h("h2", {}, "Artists"), favorites.artists.length ? h("div", { class: "grid" }, favorites.artists.map(artistCard))
      : h("p", { class: "muted" }, "No starred artists."),
    h("h2", {}, "Tracks"), favorites.tracks.length ? trackTable(favorites.tracks) : h("p", { class: "muted" }, "No starred tracks."));
}

export async function renderHistory(view) {
  const history = await api("/api/v1/me/history?limit=100");
  const tracks = history.items.map((item) => item.track);
  fill(view, h("h1", {}, "History"), tracks.length
    ? trackTable(tracks, { extra: (_track, index) => h("span", { class: "muted" },
      new Date(history.items[index].played_at).toLocaleString()) })
    : h("p", { class: "muted" }, "Nothing played yet."));
}
