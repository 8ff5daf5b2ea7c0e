// The REST API as the only back end. Credentials travel in the session cookie set by login (HttpOnly: this code
// never sees a token), so <audio src> works without a token in the URL.

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** fetch() against the API: JSON in and out, our error shape turned into an APIError. */
export async function api(path, { method = "GET", json, body, headers = {}, signal } = {}) {
  const options = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin", signal };
  if (json !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(json);
  } else if (body !== undefined) {
    options.body = body;
  }
  const response = await fetch(path, options);
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const error = data && data.error;
    throw new APIError(response.status, error ? error.code : "http_error",
                       error ? error.message : `The server answered ${response.status}.`);
  }
  return data;
}

/** "?a=1&b=2" from an object, leaving out empty values. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Uploads one file with progress (fetch has no upload progress): resolves with the track object. */
export function uploadFile(file, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) if (value) form.append(key, value);
    form.append("file", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", "/api/v1/tracks");
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      let data = null;
      try { data = JSON.parse(request.responseText); } catch { data = null; }
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(new APIError(request.status, data?.error?.code || "http_error",
                               data?.error?.message || `The server answered ${request.status}.`));
    });
    request.addEventListener("error", () => reject(new APIError(0, "network", "The upload was interrupted.")));
    request.send(form);
  });
}
