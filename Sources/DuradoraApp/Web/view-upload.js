// Uploads: drop many files (or pick them), one progress bar per file, then "processing" → "ready" as the server
// encodes; each uploaded track's tags can be edited in place.
import { api, uploadFile } from "./api.js";
import { h, fill, toast } from "./dom.js";

const TAG_FIELDS = [["title", "Title"], ["artist", "Artist"], ["album", "Album"], ["genre", "Genre"],
  ["year", "Year"], ["track_number", "Track number"]];

/** Polls a track until the server has finished with its audio. */
async function waitUntilReady(track, status) {
  let current = track;
  for (let delay = 500; current.status === "processing"; delay = Math.min(delay * 1.5, 4000)) {
    status.textContent = "processing…";
    await new Promise((resolve) => setTimeout(resolve, delay));
    current = await api(`/api/v1/tracks/${track.id}`);
  }
  return current;
}

function tagEditor(track) {
  const inputs = Object.fromEntries(TAG_FIELDS.map(([key]) => [key,
    h("input", { name: key, value: track[key] ?? "", inputmode: key === "year" || key === "track_number" ? "numeric" : null })]));
  return h("details", {}, h("summary", {}, "Edit tags"),
    h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      const fields = {};
      for (const [key] of TAG_FIELDS) {
        const value = inputs[key].value.trim();
        fields[key] = value === "" ? null : (key === "year" || key === "track_number" ? Number(value) : value);
      }
      try {
        const updated = await api(`/api/v1/tracks/${track.id}`, { method: "PATCH", json: fields });
        Object.assign(track, updated);
        toast("Tags saved");
      } catch (error) { toast(error.message); }
    } }, TAG_FIELDS.map(([key, label]) => h("label", {}, label, inputs[key])),
    h("button", { type: "submit", class: "primary" }, "Save tags")));
}

async function uploadOne(file, list) {
  const bar = h("progress", { max: "1", value: "0", "aria-label": `Upload progress of ${file.name}` });
  const status = h("span", { class: "muted status" }, "uploading…");
  const item = h("li", { dataset: { file: file.name } }, h("span", { class: "grow" }, file.name), bar, status);
  list.append(item);
  try {
    let track = await uploadFile(file, {}, (fraction) => { bar.value = fraction; });
    bar.value = 1;
    track = await waitUntilReady(track, status);
    status.textContent = track.status === "ready" ? "ready" : `${track.status}${track.error ? `: ${track.error}` : ""}`;
    status.className = track.status === "ready" ? "status" : "status error";
    item.after(h("li", { class: "tags" }, tagEditor(track)));
  } catch (error) {
    status.textContent = error.message;
    status.className = "status error";
  }
}

export function render(view) {
  const list = h("ul", { class: "list", id: "uploads" });
  const input = h("input", { type: "file", id: "file-input", multiple: true, accept: "audio/*,.flac,.ogg,.opus,.wav,.aiff,.mp3" });
  const start = (files) => { for (const file of files) uploadOne(file, list); };
  input.addEventListener("change", () => { start([...input.files]); input.value = ""; });
  const zone = h("div", { class: "dropzone", id: "dropzone" },
    h("p", {}, "Drop audio files here (WAV, FLAC, AIFF, Ogg, MP3…)"),
    h("label", {}, "or choose files ", input));
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    start([...event.dataTransfer.files]);
  });
  fill(view, h("h1", {}, "Upload"), zone, list);
}
