// Admin: users (role, delete), library scans with live progress, server status.
import { api } from "./api.js";
import { h, fill, toast } from "./dom.js";
import { session } from "./session.js";

async function status() {
  const [health, tracks, users, albums] = await Promise.all([
    api("/health"), api("/api/v1/tracks?limit=1"), api("/api/v1/users?limit=1"),
    api("/api/v1/albums?limit=1").catch(() => null)]);
  return h("section", { class: "panel" }, h("h2", {}, "Server"), h("ul", { class: "list" },
    h("li", {}, h("span", { class: "grow" }, "Version"), health.version),
    h("li", {}, h("span", { class: "grow" }, "Tracks"), String(tracks.total)),
    albums ? h("li", {}, h("span", { class: "grow" }, "Albums"), String(albums.total)) : null,
    h("li", {}, h("span", { class: "grow" }, "Users"), String(users.total))));
}

async function userList() {
  const page = await api("/api/v1/users?limit=500");
  return h("section", { class: "panel" }, h("h2", {}, "Users"), h("ul", { class: "list" }, page.items.map((user) => {
    const role = h("select", { "aria-label": `Role of ${user.username}`, disabled: user.id === session.user.id },
      ["user", "admin"].map((value) => h("option", { value, selected: value === user.role }, value)));
    role.addEventListener("change", async () => {
      try { await api(`/api/v1/users/${user.id}`, { method: "PATCH", json: { role: role.value } }); toast(`${user.username} is now ${role.value}`); }
      catch (error) { toast(error.message); }
    });
    return h("li", {}, h("span", { class: "grow" }, user.username), role,
      h("button", { type: "button", class: "danger", disabled: user.id === session.user.id, onclick: async (event) => {
        if (!window.confirm(`Delete ${user.username} and their playlists?`)) return;
        await api(`/api/v1/users/${user.id}`, { method: "DELETE" });
        event.target.closest("li").remove();
      } }, "Delete"));
  })));
}

function scans() {
  const path = h("input", { id: "scan-path", placeholder: "every configured music folder" });
  const progress = h("div", { role: "status", "aria-live": "polite" });
  const show = (scan) => fill(progress, h("p", {}, `Scan ${scan.state}: ${scan.files_seen} files seen, ${scan.added} added, `
    + `${scan.updated} updated, ${scan.removed} removed, ${scan.failed} failed`),
    scan.errors?.length ? h("ul", { class: "list" }, scan.errors.slice(0, 20).map((error) =>
      h("li", {}, h("span", { class: "grow" }, error.path), h("span", { class: "error" }, error.message)))) : null);
  return h("section", { class: "panel" }, h("h2", {}, "Library scan"),
    h("form", { class: "toolbar", onsubmit: async (event) => {
      event.preventDefault();
      try {
        let scan = await api("/api/v1/library/scans", { method: "POST", json: path.value.trim() ? { path: path.value.trim() } : {} });
        show(scan);
        while (scan.state === "running" || scan.state === "queued") {
          await new Promise((resolve) => setTimeout(resolve, 700));
          scan = await api(`/api/v1/library/scans/${scan.id}`);
          show(scan);
        }
      } catch (error) { toast(error.message); }
    } }, h("label", {}, "Folder ", path), h("button", { type: "submit", class: "primary" }, "Scan now")), progress);
}

export async function render(view) {
  if (session.user.role !== "admin") return fill(view, h("h1", {}, "Admin"), h("p", {}, "Only admins can see this page."));
  fill(view, h("h1", {}, "Admin"), await status(), scans(), await userList());
}
