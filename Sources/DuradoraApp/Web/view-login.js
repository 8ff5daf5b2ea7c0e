// Log in and register. The session cookie the server sets is all the player needs afterwards.
import { api } from "./api.js";
import { h, fill } from "./dom.js";
import { logIn } from "./session.js";
import { renderAccount } from "./main.js";

function credentialsForm(id, submitLabel, onSubmit, extra) {
  const username = h("input", { id: `${id}-username`, name: "username", autocomplete: "username", required: true, maxlength: 64 });
  const password = h("input", { id: `${id}-password`, name: "password", type: "password", required: true, minlength: 8,
                                autocomplete: id === "login" ? "current-password" : "new-password" });
  const message = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "stack panel", id, onsubmit: async (event) => {
    event.preventDefault();
    message.textContent = "";
    try { await onSubmit(username.value.trim(), password.value); }
    catch (error) { message.textContent = error.message; }
  } }, h("label", {}, "Username", username), h("label", {}, "Password", password), message,
  h("button", { type: "submit", class: "primary" }, submitLabel), extra);
  return form;
}

async function signedIn() {
  renderAccount();
  location.hash = "#/";
}

export function renderLogin(view) {
  fill(view, h("h1", {}, "Log in"), credentialsForm("login", "Log in", async (username, password) => {
    await logIn(username, password);
    await signedIn();
  }, h("p", { class: "muted" }, "No account? ", h("a", { href: "#/register" }, "Register"))));
}

export function renderRegister(view) {
  fill(view, h("h1", {}, "Register"), credentialsForm("register", "Create account", async (username, password) => {
    await api("/api/v1/auth/register", { method: "POST", json: { username, password } });
    await logIn(username, password);
    await signedIn();
  }, h("p", { class: "muted" }, "Have an account? ", h("a", { href: "#/login" }, "Log in"))));
}
