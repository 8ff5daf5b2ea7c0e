/// `GET /docs`: one self-contained HTML page (no CDN, no external file: many deployments have no internet) that
/// fetches `/openapi.json`, lists every operation with its parameters, bodies and answers, and can try a GET.
enum DocsPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Duradora API</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 4rem; color: #1d1d1f; }
  h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; text-transform: capitalize; }
  code, pre, input { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
  details { border: 1px solid #ddd; border-radius: 6px; margin: .4rem 0; background: #fafafa; }
  summary { cursor: pointer; padding: .45rem .6rem; }
  .body { padding: 0 .8rem .8rem; background: #fff; }
  .method { display: inline-block; min-width: 4.2rem; font-weight: 700; font-family: ui-monospace, monospace; }
  .GET { color: #0a7d33; } .POST { color: #9a5b00; } .PUT, .PATCH { color: #2451b3; } .DELETE { color: #b3243b; }
  .lock { color: #777; font-size: 12px; margin-left: .4rem; }
  table { border-collapse: collapse; margin: .4rem 0; } td, th { border: 1px solid #e3e3e3; padding: .2rem .5rem; text-align: left; vertical-align: top; }
  pre { background: #f3f3f3; padding: .6rem; overflow: auto; max-height: 24rem; white-space: pre-wrap; word-break: break-all; }
  .try input { width: 16rem; margin: .15rem .4rem .15rem 0; } button { font: inherit; padding: .2rem .8rem; }
  #token { width: 28rem; } .muted { color: #666; } .error { color: #b3243b; }
</style>
</head>
<body>
<h1 id="title">Duradora API</h1>
<p id="summary" class="muted">Loading <a href="/openapi.json">/openapi.json</a>…</p>
<p id="description"></p>
<p><label>Token for “try it” (sent as <code>Authorization: Bearer …</code>, kept in this tab only):
  <input id="token" type="password" autocomplete="off" placeholder="access or API token"></label></p>
<div id="areas"></div>
<script>
"use strict";
const tokenInput = document.getElementById("token");
tokenInput.value = sessionStorage.getItem("duradora-token") || "";
tokenInput.addEventListener("input", () => sessionStorage.setItem("duradora-token", tokenInput.value));

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

let spec = {};
function resolve(schema) {
  let seen = 0;
  while (schema && schema.$ref && seen++ < 10) {
    schema = schema.$ref.replace(/^#\//, "").split("/").reduce((node, key) => node && node[key], spec);
  }
  return schema || {};
}
function refName(schema) { return schema && schema.$ref ? schema.$ref.split("/").pop() : ""; }
function typeOf(schema) {
  const resolved = resolve(schema);
  if (resolved.type === "array") return "array of " + (refName(resolved.items) || typeOf(resolved.items));
  let text = resolved.type || (resolved.enum ? "enum" : "any");
  if (resolved.format) text += " (" + resolved.format + ")";
  if (resolved.enum) text += ": " + resolved.enum.join(" | ");
  if (resolved.const !== undefined) text += " = " + JSON.stringify(resolved.const);
  return text;
}
function schemaTable(schema) {
  const resolved = resolve(schema);
  const wrapper = el("div", {}, el("span", { class: "muted" }, refName(schema) || typeOf(schema)));
  if (resolved.type !== "object" || !resolved.properties) return wrapper;
  const required = new Set(resolved.required || []);
  const table = el("table", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "required"), el("th", {}, "notes")));
  for (const [name, property] of Object.entries(resolved.properties)) {
    const target = resolve(property);
    table.append(el("tr", {}, el("td", {}, el("code", {}, name)), el("td", {}, refName(property) || typeOf(property)),
      el("td", {}, required.has(name) ? "yes" : ""), el("td", {}, target.description || "")));
  }
  wrapper.append(table);
  return wrapper;
}
function bodyBlock(label, body) {
  const block = el("div", {}, el("strong", {}, label + " "));
  for (const [type, media] of Object.entries(body.content || {})) {
    block.append(el("code", {}, type), schemaTable(media.schema));
  }
  return block;
}

function tryForm(path, parameters) {
  const form = el("form", { class: "try" }, el("strong", {}, "Try it "));
  const inputs = parameters.map(parameter => {
    const input = el("input", { name: parameter.name, placeholder: parameter.in + ": " + parameter.name });
    input.dataset.in = parameter.in;
    form.append(input);
    return input;
  });
  const output = el("pre", { hidden: "" });
  form.append(el("button", { type: "submit" }, "GET"), output);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const input of inputs) {
      if (input.dataset.in === "path") url = url.replace("{" + input.name + "}", encodeURIComponent(input.value));
      else if (input.value !== "") query.append(input.name, input.value);
    }
    if ([...query].length) url += "?" + query;
    const headers = tokenInput.value ? { Authorization: "Bearer " + tokenInput.value } : {};
    output.hidden = false;
    output.textContent = "GET " + url + " …";
    try {
      const response = await fetch(url, { headers });
      let text = await response.text();
      if ((response.headers.get("content-type") || "").includes("json")) {
        try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (_) {}
      }
      if (text.length > 20000) text = text.slice(0, 20000) + "\n… (" + text.length + " characters)";
      output.textContent = "GET " + url + "\n" + response.status + " " + response.statusText + "\n" +
        "X-Request-Id: " + (response.headers.get("x-request-id") || "") + "\n\n" + text;
    } catch (error) {
      output.textContent = "GET " + url + " failed: " + error;
    }
  });
  return form;
}

function operationBlock(path, method, operation) {
  const secured = (operation.security || []).length > 0;
  const optional = (operation.security || []).some(requirement => Object.keys(requirement).length === 0);
  const summary = el("summary", {}, el("span", { class: "method " + method.toUpperCase() }, method.toUpperCase()),
    el("code", {}, path), " — " + (operation.summary || ""));
  if (secured) summary.append(el("span", { class: "lock" }, optional ? "token optional" : "token required"));
  const body = el("div", { class: "body" });
  if (operation.description) body.append(el("p", {}, operation.description));
  const parameters = operation.parameters || [];
  if (parameters.length) {
    const table = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "type"),
      el("th", {}, "required"), el("th", {}, "description")));
    for (const parameter of parameters) {
      table.append(el("tr", {}, el("td", {}, el("code", {}, parameter.name)), el("td", {}, parameter.in),
        el("td", {}, typeOf(parameter.schema)), el("td", {}, parameter.required ? "yes" : ""),
        el("td", {}, parameter.description || "")));
    }
    body.append(table);
  }
  if (operation.requestBody) body.append(bodyBlock("Request body" + (operation.requestBody.required ? "" : " (optional)"), operation.requestBody));
  const responses = el("table", {}, el("tr", {}, el("th", {}, "status"), el("th", {}, "meaning")));
  for (const [status, reference] of Object.entries(operation.responses || {})) {
    const response = resolve(reference);
    responses.append(el("tr", {}, el("td", {}, status), el("td", {}, response.description || "")));
    if (/^2/.test(status) && response.content) body.append(bodyBlock("Response " + status, response));
  }
  body.append(el("strong", {}, "Responses"), responses);
  if (method === "get") body.append(tryForm(path, parameters));
  return el("details", {}, summary, body);
}

async function load() {
  try {
    const response = await fetch("/openapi.json");
    if (!response.ok) throw new Error("HTTP " + response.status);
    spec = await response.json();
  } catch (error) {
    document.getElementById("summary").replaceChildren(el("span", { class: "error" }, "Could not load /openapi.json: " + error));
    return;
  }
  document.getElementById("title").textContent = spec.info.title + " API " + spec.info.version;
  document.getElementById("summary").textContent = spec.info.summary || "";
  document.getElementById("description").textContent = spec.info.description || "";
  const areas = document.getElementById("areas");
  const sections = new Map((spec.tags || []).map(tag =>
    [tag.name, el("section", {}, el("h2", {}, tag.name), el("p", { class: "muted" }, tag.description || ""))]));
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!["get", "put", "post", "delete", "patch", "head", "options"].includes(method)) continue;
      const tag = (operation.tags || ["other"])[0];
      if (!sections.has(tag)) sections.set(tag, el("section", {}, el("h2", {}, tag)));
      sections.get(tag).append(operationBlock(path, method, operation));
    }
  }
  for (const section of sections.values()) areas.append(section);
}
load();
</script>
</body>
</html>
"""#
}
