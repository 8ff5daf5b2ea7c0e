#!/usr/bin/env python3
"""Validates REAL responses of a running Duradora against the schemas its own /openapi.json declares.

    scripts/openapi-responses.py http://127.0.0.1:8080 ADMIN_USERNAME ADMIN_PASSWORD

Walks a short flow (users, an uploaded WAV, playlists, errors), and for each exchange checks that the status is one
the document lists for the operation and that a JSON body matches that status's schema (jsonschema, draft 2020-12,
$refs resolved inside the document). Exits non-zero with every mismatch listed. Run by scripts/ops-check.sh.
"""
import io
import json
import math
import struct
import sys
import urllib.error
import urllib.request
import wave

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE, ADMIN, PASSWORD = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
document = json.load(urllib.request.urlopen(BASE + "/openapi.json"))
registry = Registry().with_resource("urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012))
problems, checked = [], 0


def resolve(node):
    """A response object, following `$ref`s to components/responses."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for key in node["$ref"].lstrip("#/").split("/"):
            target = target[key.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def pointer(*keys):
    return "urn:openapi#/" + "/".join(str(k).replace("~", "~0").replace("/", "~1") for k in keys)


def call(method, template, path=None, token=None, json_body=None, raw=None, content_type=None, want=None):
    """Sends one request, checks it against the document, returns (status, parsed JSON body or None)."""
    global checked
    headers = {}
    data = None
    if token:
        headers["Authorization"] = "Bearer " + token
    if json_body is not None:
        data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
    if raw is not None:
        data, headers["Content-Type"] = raw, content_type
    request = urllib.request.Request(BASE + (path or template), data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            status, body, kind = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, body, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    where = f"{method} {path or template} -> {status}"
    if want is not None and status != want:
        problems.append(f"{where}: expected {want}: {body[:300]!r}")
    operation = document["paths"].get(template, {}).get(method.lower())
    if operation is None:
        problems.append(f"{where}: {method} {template} is not in the document")
        return status, None
    responses = operation.get("responses", {})
    declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
    if declared is None:
        problems.append(f"{where}: status {status} is not documented (documented: {sorted(responses)})")
        return status, None
    parsed = json.loads(body) if kind.startswith("application/json") and body else None
    media = resolve(declared).get("content", {}).get("application/json")
    if media is not None and "schema" in media:
        key = next(k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses)
        if "$ref" in responses[key]:
            ref = responses[key]["$ref"].lstrip("#/").split("/")
            schema_ref = pointer(*ref, "content", "application/json", "schema")
        else:
            schema_ref = pointer("paths", template, method.lower(), "responses", key, "content", "application/json", "schema")
        validator = Draft202012Validator({"$ref": schema_ref}, registry=registry)
        for error in validator.iter_errors(parsed):
            path_in_body = "/".join(map(str, error.absolute_path)) or "(root)"
            problems.append(f"{where}: body at {path_in_body}: {error.message}")
    checked += 1
    return status, parsed


def tone_wav(seconds=1.0, rate=22050):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                                 for i in range(int(seconds * rate))))
    return buffer.getvalue()


_, pair = call("POST", "/api/v1/auth/login", json_body={"username": ADMIN, "password": PASSWORD}, want=200)
admin = pair["access_token"]
call("GET", "/health", want=200)
call("GET", "/api/v1/auth/me", token=admin, want=200)
call("GET", "/api/v1/auth/me", want=401)
_, user = call("POST", "/api/v1/users", json_body={"username": "schema_user", "password": "password123"}, want=201)
call("GET", "/api/v1/users", token=admin, want=200)
call("GET", "/api/v1/users/{id}", f"/api/v1/users/{user['user_id']}", token=admin, want=200)
call("GET", "/api/v1/users/{id}", "/api/v1/users/00000000-0000-0000-0000-000000000000", token=admin, want=404)

_, empty = call("POST", "/api/v1/tracks", "/api/v1/tracks?title=Empty", token=admin, want=201)
_, ready = call("POST", "/api/v1/tracks", "/api/v1/tracks?title=Tone&artist=Sine&year=2024", token=admin,
                raw=tone_wav(), content_type="audio/wav")
call("GET", "/api/v1/tracks", token=admin, want=200)
call("GET", "/api/v1/tracks", "/api/v1/tracks?limit=1&offset=0&q=Tone", token=admin, want=200)
call("GET", "/api/v1/tracks/{id}", f"/api/v1/tracks/{empty['id']}", token=admin, want=200)
call("GET", "/api/v1/tracks/{id}", f"/api/v1/tracks/{ready['id']}", token=admin, want=200)
call("GET", "/api/v1/tracks/{id}", "/api/v1/tracks/not-a-uuid", token=admin)
call("PATCH", "/api/v1/tracks/{id}", f"/api/v1/tracks/{ready['id']}", token=admin,
     json_body={"genre": "Test", "track_number": None}, want=200)
call("PATCH", "/api/v1/tracks/{id}", f"/api/v1/tracks/{ready['id']}", token=admin, json_body={"year": "x"})

_, playlist = call("POST", "/api/v1/playlists", token=admin, json_body={"name": "Schema list"}, want=201)
call("POST", "/api/v1/playlists/{id}/tracks", f"/api/v1/playlists/{playlist['id']}/tracks", token=admin,
     json_body={"track_id": ready["id"]}, want=201)
call("GET", "/api/v1/playlists", token=admin, want=200)
call("GET", "/api/v1/playlists/{id}", f"/api/v1/playlists/{playlist['id']}", token=admin, want=200)
call("GET", "/api/v1/users/{username}/playlists", f"/api/v1/users/{ADMIN}/playlists", token=admin, want=200)
call("DELETE", "/api/v1/tracks/{id}", f"/api/v1/tracks/{empty['id']}", token=admin, want=204)

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"{checked} real responses match their OpenAPI schemas")
