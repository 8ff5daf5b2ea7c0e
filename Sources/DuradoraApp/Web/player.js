// The player bar: one queue that survives navigation (the router swaps only <main>), two <audio> elements so the
// next track is already buffered when this one ends (gapless-ish), the Media Session API for lock screens and
// media keys, keyboard shortcuts, and a bitrate choice that becomes the stream's `max_bitrate`.
import { api } from "./api.js";
import { h, fill, formatTime, cover, toast } from "./dom.js";
import { icon } from "./icons.js";

const BITRATES = ["original", "320", "192", "128", "96"];
const state = {
  queue: [], index: -1, shuffle: false, repeat: "off", // "off" | "all" | "one"
  bitrate: localStorage.getItem("duradora.bitrate") || "original",
  signedIn: false, submitted: false, listeners: new Set(),
};
let audio = makeAudio();
let upcoming = makeAudio();
let upcomingTrackId = null;
const ui = {};

function makeAudio() {
  const element = new Audio();
  element.preload = "auto";
  return element;
}

export function streamURL(track) {
  const base = `/api/v1/tracks/${encodeURIComponent(track.id)}/stream`;
  return state.bitrate === "original" ? base : `${base}?max_bitrate=${state.bitrate}`;
}

export const player = {
  get current() { return state.queue[state.index] || null; },
  get audio() { return audio; },
  get queue() { return state.queue.slice(); },
  setSignedIn(value) { state.signedIn = value; },
  /** Calls `listener(track)` whenever the playing track changes (views highlight it). */
  onChange(listener) { state.listeners.add(listener); return () => state.listeners.delete(listener); },
  playList(tracks, start = 0) {
    state.queue = tracks.filter(playable);
    if (!state.queue.length) return toast("Nothing playable here yet.");
    state.index = Math.min(Math.max(start, 0), state.queue.length - 1);
    load(true);
  },
  enqueue(tracks) {
    const added = tracks.filter(playable);
    state.queue.push(...added);
    if (state.index < 0 && state.queue.length) { state.index = 0; load(false); }
    renderQueue();
    preloadNext();
    toast(added.length === 1 ? `Added “${added[0].title || "Untitled"}” to the queue` : `Added ${added.length} tracks`);
  },
  toggle() {
    if (!player.current) return;
    if (audio.paused) audio.play().catch(reportPlayError); else audio.pause();
  },
  next() { move(1, true); },
  previous() {
    if (audio.currentTime > 3) { audio.currentTime = 0; return; }
    move(-1, true);
  },
  seekBy(seconds) { if (player.current) audio.currentTime = Math.max(0, audio.currentTime + seconds); },
  clear() {
    audio.pause();
    audio.removeAttribute("src");
    audio.load();
    state.queue = []; state.index = -1;
    renderNow(); renderQueue(); notify();
  },
};

function playable(track) { return track && track.status === "ready"; }

function notify() { for (const listener of state.listeners) listener(player.current); }

function reportPlayError(error) {
  if (error && error.name === "AbortError") return; // a newer load replaced this one
  toast("This track could not be played.");
}

/** Loads the current queue entry into the playing element (taking the preloaded one when it is that track). */
function load(autoplay) {
  const track = player.current;
  if (!track) return;
  if (upcomingTrackId === track.id && upcoming.src) {
    audio.pause();
    [audio, upcoming] = [upcoming, audio];
    upcoming.removeAttribute("src");
    attach();
  } else {
    audio.src = streamURL(track);
  }
  upcomingTrackId = null;
  state.submitted = false;
  if (autoplay) audio.play().catch(reportPlayError);
  renderNow(); renderQueue(); updateMediaSession(track); notify(); preloadNext();
  if (state.signedIn) {
    api(`/api/v1/tracks/${track.id}/plays`, { method: "POST", json: { submission: false } }).catch(() => {});
  }
}

function nextIndex(step) {
  const count = state.queue.length;
  if (!count) return -1;
  if (state.shuffle && step > 0 && count > 1) {
    let pick;
    do { pick = Math.floor(Math.random() * count); } while (pick === state.index);
    return pick;
  }
  const target = state.index + step;
  if (target >= 0 && target < count) return target;
  return state.repeat === "all" ? (target + count) % count : -1;
}

function move(step, userAsked) {
  const target = nextIndex(step);
  if (target < 0) {
    if (!userAsked) { audio.pause(); renderNow(); }
    return;
  }
  state.index = target;
  load(true);
}

function preloadNext() {
  if (state.shuffle) return; // the next pick is not known yet
  const track = state.queue[nextIndex(1)];
  if (!track || track.id === player.current?.id || upcomingTrackId === track.id) return;
  upcomingTrackId = track.id;
  upcoming.src = streamURL(track);
  upcoming.load();
}

function submitPlay() {
  const track = player.current;
  if (!track || state.submitted || !state.signedIn) return;
  state.submitted = true;
  api(`/api/v1/tracks/${track.id}/plays`, { method: "POST", json: { submission: true } }).catch(() => {});
}

// Listeners are moved to whichever element is playing: the preloaded one becomes `audio` on a track change.
const handlers = {
  timeupdate() {
    const duration = knownDuration();
    if (!ui.seek.matches(":active")) ui.seek.value = String(audio.currentTime);
    ui.seek.max = String(duration || 0);
    ui.elapsed.textContent = formatTime(audio.currentTime);
    ui.total.textContent = formatTime(duration);
    ui.seek.setAttribute("aria-valuetext", `${formatTime(audio.currentTime)} of ${formatTime(duration)}`);
    if (duration && audio.currentTime > Math.min(duration / 2, 240)) submitPlay();
    if ("mediaSession" in navigator && duration && navigator.mediaSession.setPositionState) {
      try {
        navigator.mediaSession.setPositionState({ duration, position: Math.min(audio.currentTime, duration),
                                                  playbackRate: audio.playbackRate });
      } catch { /* some engines refuse while metadata loads */ }
    }
  },
  play() { renderPlayState(); },
  pause() { renderPlayState(); },
  ended() {
    submitPlay();
    if (state.repeat === "one") { audio.currentTime = 0; audio.play().catch(reportPlayError); return; }
    move(1, false);
  },
  error() { if (audio.getAttribute("src")) toast("Playback failed for this track."); },
};

function attach() {
  for (const [name, handler] of Object.entries(handlers)) {
    upcoming.removeEventListener(name, handler);
    audio.addEventListener(name, handler);
  }
  audio.volume = Number(ui.volume?.value ?? 1);
}

function knownDuration() {
  return Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : (player.current?.duration_seconds || 0);
}

function updateMediaSession(track) {
  if (!("mediaSession" in navigator)) return;
  const url = coverURL(track);
  const artwork = url ? [96, 256, 512].map((size) => ({
    src: `${url}${url.includes("?") ? "&" : "?"}size=${size}`, sizes: `${size}x${size}`, type: "image/jpeg" })) : [];
  navigator.mediaSession.metadata = new MediaMetadata({
    title: track.title || "Untitled", artist: track.artist || "", album: track.album || "", artwork });
}

function setupMediaSession() {
  if (!("mediaSession" in navigator)) return;
  const actions = {
    play: () => audio.play().catch(reportPlayError), pause: () => audio.pause(),
    previoustrack: () => player.previous(), nexttrack: () => player.next(),
    seekbackward: (details) => player.seekBy(-(details.seekOffset || 10)),
    seekforward: (details) => player.seekBy(details.seekOffset || 10),
    seekto: (details) => { audio.currentTime = details.seekTime; },
  };
  for (const [action, handler] of Object.entries(actions)) {
    try { navigator.mediaSession.setActionHandler(action, handler); } catch { /* unsupported action */ }
  }
}

// MARK: - Rendering

/** The track's picture as the server names it (null: none, so no request that would only answer 404). */
function coverURL(track) {
  return track.cover_url;
}

function renderNow() {
  const track = player.current;
  fill(ui.now, track ? [cover(coverURL(track), track.album ? `Cover of ${track.album}` : "No cover", 96),
    h("div", { class: "text" },
      h("div", { class: "title" }, track.title || "Untitled"),
      h("div", { class: "sub" }, [track.artist, track.album].filter(Boolean).join(" — ")))]
    : h("div", { class: "text muted" }, "Nothing playing"));
  renderPlayState();
}

function renderPlayState() {
  const playing = !audio.paused && !!player.current;
  ui.play.replaceChildren(icon(playing ? "pause" : "play"));
  ui.play.setAttribute("aria-label", playing ? "Pause" : "Play");
  if ("mediaSession" in navigator) navigator.mediaSession.playbackState = playing ? "playing" : "paused";
}

function renderQueue() {
  if (!ui.queue || ui.queue.hidden) return;
  let dragged = -1;
  const rows = state.queue.map((track, index) => {
    const item = h("li", { draggable: "true", dataset: { index },
      ondragstart: (event) => { dragged = index; event.dataTransfer.effectAllowed = "move"; },
      ondragover: (event) => { event.preventDefault(); item.classList.add("drag-over"); },
      ondragleave: () => item.classList.remove("drag-over"),
      ondrop: (event) => { event.preventDefault(); reorder(dragged, index); } },
      h("span", { class: "grow" }, index === state.index ? "▶ " : "", track.title || "Untitled",
        h("span", { class: "muted" }, track.artist ? ` — ${track.artist}` : "")),
      h("button", { type: "button", class: "icon", "aria-label": `Play ${track.title || "track"}`,
                    onclick: () => { state.index = index; load(true); } }, icon("play")),
      h("button", { type: "button", class: "icon", "aria-label": `Remove ${track.title || "track"} from the queue`,
                    onclick: () => removeAt(index) }, icon("close")));
    return item;
  });
  fill(ui.queue, h("div", { class: "toolbar" }, h("strong", {}, `Queue (${state.queue.length})`),
    h("button", { type: "button", onclick: () => player.clear() }, "Clear")),
    rows.length ? h("ol", { class: "list" }, rows) : h("p", { class: "muted" }, "The queue is empty."));
}

function reorder(from, to) {
  if (from < 0 || from === to) return renderQueue();
  const current = player.current;
  const [moved] = state.queue.splice(from, 1);
  state.queue.splice(to, 0, moved);
  state.index = state.queue.indexOf(current);
  upcomingTrackId = null;
  renderQueue(); preloadNext();
}

function removeAt(index) {
  if (index === state.index) { state.queue.splice(index, 1); state.index = Math.min(index, state.queue.length - 1); load(!audio.paused); }
  else { state.queue.splice(index, 1); if (index < state.index) state.index -= 1; }
  upcomingTrackId = null;
  renderQueue(); preloadNext(); notify();
}

export function mountPlayer(root) {
  ui.now = h("div", { class: "now" });
  ui.play = h("button", { type: "button", class: "icon", id: "play", "aria-label": "Play", onclick: () => player.toggle() }, icon("play"));
  ui.seek = h("input", { type: "range", id: "seek", min: "0", max: "0", step: "0.1", value: "0", "aria-label": "Seek" });
  ui.seek.addEventListener("input", () => { if (player.current) audio.currentTime = Number(ui.seek.value); });
  ui.elapsed = h("span", { id: "elapsed" }, "0:00");
  ui.total = h("span", { id: "total" }, "0:00");
  ui.volume = h("input", { type: "range", min: "0", max: "1", step: "0.05", value: localStorage.getItem("duradora.volume") || "1",
                           "aria-label": "Volume" });
  ui.volume.addEventListener("input", () => { audio.volume = Number(ui.volume.value); localStorage.setItem("duradora.volume", ui.volume.value); });
  const shuffle = h("button", { type: "button", class: "icon", "aria-label": "Shuffle", "aria-pressed": "false" }, icon("shuffle"));
  shuffle.addEventListener("click", () => {
    state.shuffle = !state.shuffle; shuffle.setAttribute("aria-pressed", String(state.shuffle));
    upcomingTrackId = null; preloadNext();
  });
  const repeat = h("button", { type: "button", class: "icon", "aria-label": "Repeat: off", "aria-pressed": "false" }, icon("repeat"), h("span", { class: "badge" }));
  repeat.addEventListener("click", () => {
    state.repeat = { off: "all", all: "one", one: "off" }[state.repeat];
    repeat.setAttribute("aria-pressed", String(state.repeat !== "off"));
    repeat.setAttribute("aria-label", `Repeat: ${state.repeat}`);
    repeat.querySelector(".badge").textContent = state.repeat === "one" ? "1" : "";
    upcomingTrackId = null; preloadNext();
  });
  const bitrate = h("select", { "aria-label": "Streaming quality" },
    BITRATES.map((value) => h("option", { value, selected: value === state.bitrate }, value === "original" ? "Original" : `${value} kbps`)));
  bitrate.addEventListener("change", () => {
    state.bitrate = bitrate.value;
    localStorage.setItem("duradora.bitrate", state.bitrate);
    const track = player.current;
    if (track) { // keep the position: the new stream starts where the old one was
      const position = audio.currentTime, wasPlaying = !audio.paused;
      audio.src = streamURL(track);
      audio.addEventListener("loadedmetadata", () => { audio.currentTime = position; }, { once: true });
      if (wasPlaying) audio.play().catch(reportPlayError);
    }
    upcomingTrackId = null; preloadNext();
  });
  ui.queue = h("section", { class: "queue", id: "queue", hidden: true, "aria-label": "Queue" });
  const queueButton = h("button", { type: "button", class: "icon", "aria-label": "Show the queue", "aria-expanded": "false",
                                    "aria-controls": "queue" }, icon("queue"));
  queueButton.addEventListener("click", () => {
    ui.queue.hidden = !ui.queue.hidden;
    queueButton.setAttribute("aria-expanded", String(!ui.queue.hidden));
    renderQueue();
  });
  fill(root, ui.now,
    h("div", { class: "controls" },
      h("div", { class: "buttons" }, shuffle,
        h("button", { type: "button", class: "icon", "aria-label": "Previous track", onclick: () => player.previous() }, icon("previous")),
        ui.play,
        h("button", { type: "button", class: "icon", "aria-label": "Next track", onclick: () => player.next() }, icon("next")),
        repeat),
      h("div", { class: "seek" }, ui.elapsed, ui.seek, ui.total)),
    h("div", { class: "extra" }, bitrate, ui.volume, queueButton));
  document.body.append(ui.queue);
  attach();
  setupMediaSession();
  renderNow();
  document.addEventListener("keydown", onKey);
}

function onKey(event) {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const actions = {
    " ": () => player.toggle(), ArrowRight: () => player.seekBy(10), ArrowLeft: () => player.seekBy(-10),
    ArrowUp: () => { ui.volume.value = String(Math.min(1, Number(ui.volume.value) + 0.05)); ui.volume.dispatchEvent(new Event("input")); },
    ArrowDown: () => { ui.volume.value = String(Math.max(0, Number(ui.volume.value) - 0.05)); ui.volume.dispatchEvent(new Event("input")); },
    n: () => player.next(), p: () => player.previous(),
    "/": () => document.getElementById("search").focus(),
  };
  const action = actions[event.key];
  if (!action || (target.tagName === "BUTTON" && event.key === " ")) return;
  event.preventDefault();
  action();
}
