#!/usr/bin/env bash
# Checks what unit tests cannot, with real tools (run by `make test` after `swift build --build-tests`):
#   1. docker-compose.yml parses and validates with a real Compose parser (Debian's docker-compose; no engine needed);
#   2. the Dockerfile has the structure we promise (multi-stage, static stdlib, runtime libraries, non-root, health);
#   3. a real `duradora serve` process passes scripts/smoke.sh, serves an /openapi.json that openapi-spec-validator
#      accepts and a /metrics that prometheus_client's parser reads, and exits 0 on SIGTERM;
#   4. real responses match their schemas in that document (scripts/openapi-responses.py, jsonschema), and
#      Schemathesis, stateful and with an admin token, finds no server error and no response outside the document
#      (time-bounded: DURADORA_SCHEMATHESIS_SECONDS, default 120; seed DURADORA_SCHEMATHESIS_SEED).
# Python tools live in a venv under .build, installed from PyPI only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build/ops-venv
BINARY="${DURADORA_BINARY:-$(swift build --show-bin-path)/duradora}"
PASSED=0
pass() { PASSED=$((PASSED + 1)); echo "ops-check ok: $*"; }
fail() { echo "ops-check FAILED: $*" >&2; exit 1; }

# ---- Python tools ----
if ! "$VENV/bin/python" -c 'import openapi_spec_validator, prometheus_client, jsonschema, schemathesis' 2>/dev/null; then
    echo "installing openapi-spec-validator, prometheus-client, jsonschema and schemathesis into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check openapi-spec-validator prometheus-client jsonschema \
        schemathesis
fi

# ---- docker-compose.yml ----
command -v docker-compose >/dev/null || fail "docker-compose is not installed (make test-deps installs it)"
docker-compose -f docker-compose.yml config --quiet || fail "docker-compose.yml does not validate"
[ "$(docker-compose -f docker-compose.yml config --volumes | sort | tr '\n' ' ')" = "duradora-db duradora-uploads " ] \
    || fail "docker-compose.yml must declare the named volumes duradora-db and duradora-uploads"
resolved="$(docker-compose -f docker-compose.yml config)"
for needle in "restart: unless-stopped" "healthcheck:" "- healthcheck" "published: 8080" "target: 8080" \
              "duradora-db:/var/lib/duradora/data" "duradora-uploads:/var/lib/duradora/uploads" "DURADORA_"; do
    grep -qF -- "$needle" <<<"$resolved" || fail "docker-compose.yml: expected '$needle' in the resolved file"
done
pass "docker-compose.yml validates (named volumes, ports, restart policy, healthcheck, env overrides)"

# ---- Dockerfile structure (no hadolint on Debian; these are the promises the README makes) ----
check_dockerfile() {
    local pattern="$1" what="$2"
    grep -qE -- "$pattern" Dockerfile || fail "Dockerfile: $what (no line matching /$pattern/)"
}
[ "$(grep -cE '^FROM ' Dockerfile)" -ge 2 ] || fail "Dockerfile: must be multi-stage"
check_dockerfile '^FROM swift:[^ ]+ AS build$' "builds in the official Swift image"
check_dockerfile '--static-swift-stdlib' "links the Swift runtime statically"
check_dockerfile '-c release' "builds in release mode"
check_dockerfile '^FROM scratch AS runtime$' "runs on an empty base (only what the binary loads)"
# The runtime stage's files are the build stage's ldd closure of the binary (the container check runs the image's
# dynamic linker over the binary to prove none is missing).
check_dockerfile '^RUN runtime-rootfs\.sh /rootfs /out/duradora' "collects the binary's shared libraries with runtime-rootfs.sh"
check_dockerfile '^COPY --from=build ' "copies only the binary out of the build stage"
check_dockerfile '^USER [a-z]' "runs as a named non-root user"
grep -qE '^USER (root|0)' Dockerfile && fail "Dockerfile: must not run as root"
check_dockerfile '^HEALTHCHECK .*' "has a HEALTHCHECK"
grep -A1 '^HEALTHCHECK' Dockerfile | grep -qF 'duradora", "healthcheck"' \
    || fail "Dockerfile: HEALTHCHECK must run \`duradora healthcheck\` (GET /health; the image has no curl)"
check_dockerfile '^VOLUME .*/var/lib/duradora/data.*/var/lib/duradora/uploads' "declares the data volumes"
grep -qE '^VOLUME .*/etc/duradora' Dockerfile && fail "Dockerfile: /etc/duradora must not be a VOLUME (an anonymous volume per container under compose's bind mount)"
grep -qE '^# syntax=' Dockerfile && fail "Dockerfile: no '# syntax=' line (it makes the build fetch a frontend image from a registry)"
grep -qE '^COPY .*Package\.resolved' Dockerfile && fail "Dockerfile: Package.resolved is not in git; a fresh clone has none to COPY"
check_dockerfile '^EXPOSE 8080' "exposes 8080"
last_from_line="$(grep -nE '^FROM ' Dockerfile | tail -1 | cut -d: -f1)"
tail -n +"$last_from_line" Dockerfile | grep -qE '^RUN ' \
    && fail "Dockerfile: the runtime stage is FROM scratch, with no shell or package manager to RUN"
pass "Dockerfile structure (multi-stage, static stdlib, scratch runtime with the ldd closure, non-root, healthcheck, volumes)"

# ---- a real server process ----
[ -x "$BINARY" ] || fail "$BINARY not built; run swift build first"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
cat > "$WORK/config.toml" <<'TOML'
[server]
host = "127.0.0.1"
port = 0
[auth]
password_hash_cost = "min"
[auth.bootstrap_admin]
username = "opsadmin"
password = "ops-check-password"
TOML
"$BINARY" serve --config "$WORK/config.toml" 2> "$WORK/server.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
    PORT="$(sed -n 's/.*msg=listening address=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)"
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; fail "duradora serve exited at start"; }
    sleep 0.1
done
[ -n "$PORT" ] || { cat "$WORK/server.log" >&2; fail "duradora serve did not report its port"; }
BASE="http://127.0.0.1:$PORT"

scripts/smoke.sh "$BASE" > "$WORK/smoke.log" 2>&1 || { cat "$WORK/smoke.log" >&2; fail "scripts/smoke.sh against a real server"; }
pass "$(tail -1 "$WORK/smoke.log")"

curl -fsS "$BASE/openapi.json" -o "$WORK/openapi.json" || fail "GET /openapi.json"
"$VENV/bin/openapi-spec-validator" --schema 3.1 "$WORK/openapi.json" >/dev/null \
    || { "$VENV/bin/openapi-spec-validator" --schema 3.1 "$WORK/openapi.json" >&2 || true; fail "openapi.json does not validate"; }
pass "/openapi.json is a valid OpenAPI 3.1 document (openapi-spec-validator)"

"$VENV/bin/python" scripts/openapi-responses.py "$BASE" opsadmin ops-check-password > "$WORK/responses.log" 2>&1 \
    || { cat "$WORK/responses.log" >&2; fail "real responses do not match /openapi.json"; }
pass "$(tail -1 "$WORK/responses.log") (jsonschema)"

ROOT_VENV="$(cd "$VENV" && pwd)"
TOKEN="$(curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"opsadmin","password":"ops-check-password"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
[ -n "$TOKEN" ] || fail "could not log in as the ops-check admin"
# Logout is left out: it would end the token every other operation runs with. Run in $WORK: Schemathesis and
# Hypothesis leave caches in the current directory.
(cd "$WORK" && "$ROOT_VENV/bin/schemathesis" --no-color run "$BASE/openapi.json" -H "Authorization: Bearer $TOKEN" --workers 2 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --exclude-path /api/v1/auth/logout --max-time "${DURADORA_SCHEMATHESIS_SECONDS:-120}" \
    --seed "${DURADORA_SCHEMATHESIS_SEED:-19}" --generation-database none > "$WORK/schemathesis.log" 2>&1) \
    || { cat "$WORK/schemathesis.log" >&2; fail "Schemathesis found server errors or responses outside the document"; }
grep -q "level=error" "$WORK/server.log" && { grep "level=error" "$WORK/server.log" >&2; fail "the server logged errors during Schemathesis"; }
pass "Schemathesis: $(grep -E '^Test cases:' -A1 "$WORK/schemathesis.log" | tail -1 | sed 's/^ *//'), no server errors, no schema violations"

curl -fsS "$BASE/metrics" -o "$WORK/metrics.txt" || fail "GET /metrics"
"$VENV/bin/python" - "$WORK/metrics.txt" <<'PY' || fail "/metrics does not parse as Prometheus text"
import sys
from prometheus_client.parser import text_string_to_metric_families
families = {family.name: family for family in text_string_to_metric_families(open(sys.argv[1]).read())}
required = ["duradora_http_requests", "duradora_http_request_duration_seconds", "duradora_http_response_bytes",
            "duradora_http_open_connections", "duradora_uploads", "duradora_transcodes", "duradora_transcode_seconds",
            "duradora_transcode_failures", "duradora_database_errors"]
missing = [name for name in required if name not in families]
assert not missing, f"missing families: {missing}"
assert families["duradora_http_request_duration_seconds"].type == "histogram"
logins = [s for s in families["duradora_http_requests"].samples
          if s.labels.get("route") == "/api/v1/auth/login" and s.labels.get("status") == "2xx"]
assert logins and logins[0].value >= 1, "the smoke run's login was not counted"
routes = {s.labels.get("route") for f in families.values() for s in f.samples if "route" in s.labels}
assert all(r.startswith("/") or r in ("unmatched", "rejected") for r in routes), routes
assert not any("?" in r or "smoke" in r for r in routes), f"raw paths leaked into labels: {routes}"
PY
pass "/metrics parses with prometheus_client and counted the smoke run by route pattern"

kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
[ "$status" = 0 ] || { cat "$WORK/server.log" >&2; fail "duradora serve exited $status on SIGTERM"; }
pass "duradora serve exits 0 on SIGTERM"
echo "ops-check: $PASSED checks passed"
