// Account: change the password; app passwords for Subsonic apps (created, shown once to copy, revoked).
import { api } from "./api.js";
import { h, fill, toast } from "./dom.js";
import { session } from "./session.js";

function passwordForm() {
  const password = h("input", { type: "password", id: "new-password", minlength: 8, required: true, autocomplete: "new-password" });
  const repeat = h("input", { type: "password", id: "repeat-password", minlength: 8, required: true, autocomplete: "new-password" });
  const message = h("p", { role: "status" });
  return h("form", { class: "stack panel", onsubmit: async (event) => {
    event.preventDefault();
    if (password.value !== repeat.value) { message.textContent = "The two passwords differ."; message.className = "error"; return; }
    try {
      await api(`/api/v1/users/${session.user.id}`, { method: "PATCH", json: { password: password.value } });
      message.textContent = "Password changed."; message.className = "";
      password.value = repeat.value = "";
    } catch (error) { message.textContent = error.message; message.className = "error"; }
  } }, h("h2", {}, "Password"), h("label", {}, "New password", password), h("label", {}, "Repeat it", repeat), message,
  h("button", { type: "submit", class: "primary" }, "Change password"));
}

async function appPasswords() {
  const panel = h("section", { class: "panel", id: "app-passwords" });
  const draw = async (created) => {
    let items = [];
    let note = null;
    try { items = (await api("/api/v1/auth/app-passwords")).items || []; }
    catch (error) { note = h("p", { class: "muted" }, error.message); }
    const name = h("input", { id: "app-password-name", required: true, maxlength: 100, placeholder: "e.g. Phone (Symfonium)" });
    fill(panel, h("h2", {}, "App passwords"),
      h("p", { class: "muted" }, "Subsonic apps (DSub, Symfonium, Feishin…) sign in with your username and an app password. ",
        `Server address: ${location.origin}`),
      created ? h("div", { class: "panel", role: "status" }, h("p", {}, `New app password “${created.name}” — copy it now, it is shown only once:`),
        h("code", { id: "new-app-password" }, created.password), " ",
        h("button", { type: "button", onclick: () => navigator.clipboard.writeText(created.password).then(() => toast("Copied"), () => {}) }, "Copy"))
        : null,
      note,
      h("form", { class: "toolbar", onsubmit: async (event) => {
        event.preventDefault();
        try { draw(await api("/api/v1/auth/app-passwords", { method: "POST", json: { name: name.value.trim() } })); }
        catch (error) { toast(error.message); }
      } }, h("label", {}, "Name ", name), h("button", { type: "submit", class: "primary" }, "Create app password")),
      h("ul", { class: "list" }, items.map((item) => h("li", {}, h("span", { class: "grow" }, item.name),
        h("span", { class: "muted" }, new Date(item.created_at).toLocaleDateString()),
        h("button", { type: "button", class: "danger", onclick: async () => {
          await api(`/api/v1/auth/app-passwords/${item.id}`, { method: "DELETE" });
          draw();
        } }, "Revoke")))));
  };
  await draw();
  return panel;
}

export async function render(view) {
  fill(view, h("h1", {}, "Account"), h("p", {}, `Signed in as ${session.user.username} (${session.user.role}).`),
    passwordForm(), await appPasswords());
}
