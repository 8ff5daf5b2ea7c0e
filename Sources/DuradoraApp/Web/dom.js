// Small DOM helpers shared by every view: element building (text is always set as text, never as HTML, so a
// hostile tag value cannot inject markup), formatting, and the toast.

/** h("a", {href: "#/x", onclick: f}, "text", child…) — attributes starting with "on" become listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** 0:00 / 1:02:03 */
export function formatTime(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "0:00";
  const s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60, hours = Math.floor(seconds / 3600);
  const mm = hours ? String(m).padStart(2, "0") : String(m);
  return (hours ? `${hours}:` : "") + `${mm}:${String(s).padStart(2, "0")}`;
}

/** A cover image, or a placeholder note when there is none (or it fails to load). */
export function cover(url, label, size = 300) {
  if (!url) return h("div", { class: "placeholder", role: "img", "aria-label": label }, "♪");
  const separator = url.includes("?") ? "&" : "?";
  const image = h("img", { class: "cover", src: `${url}${separator}size=${size}`, alt: label, loading: "lazy",
                           width: size, height: size });
  image.addEventListener("error", () => image.replaceWith(cover(null, label)), { once: true });
  return image;
}

let toastTimer;
/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message) {
  const element = document.getElementById("toast");
  element.textContent = message;
  element.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => element.classList.remove("show"), 2600);
}

/** A "load more" button that calls `load(offset)` until it returns fewer than `limit` items. */
export function pager(container, load, render, limit = 60) {
  let offset = 0;
  const more = h("button", { type: "button" }, "Load more");
  const next = async () => {
    more.disabled = true;
    const page = await load(offset, limit);
    render(page.items);
    offset += page.items.length;
    more.disabled = false;
    if (offset >= page.total || page.items.length < limit) more.remove();
    else if (!more.isConnected) container.after(more);
  };
  more.addEventListener("click", next);
  return next();
}
