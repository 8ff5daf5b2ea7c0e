// Who is signed in, as the server says (GET /api/v1/auth/me through the session cookie).
import { api } from "./api.js";

export const session = { user: null };

export async function refreshSession() {
  try { session.user = await api("/api/v1/auth/me"); } catch { session.user = null; }
  return session.user;
}

export async function logIn(username, password) {
  await api("/api/v1/auth/login", { method: "POST", json: { username, password } });
  return refreshSession();
}

export async function logOut() {
  try { await api("/api/v1/auth/logout", { method: "POST" }); } finally { session.user = null; }
}
