#!/usr/bin/env bash
# Builds the real Dockerfile and runs the real docker-compose.yml with podman (run by `make test` after ops-check),
# and proves what a user of `docker compose up` relies on: /health through the published port, scripts/smoke.sh,
# the healthcheck, a non-root process, the bootstrap admin from the environment, every shared library the binary
# links present in the image, cover uploads and thumbnails through its libvips, https trusting the image's CA file,
# a drained `compose stop` that exits 0, a volume backup, uploads that survive `down` + `up`, and `down -v` removing
# the volumes. Prints the image size and fails over the 150 MB goal. Then scripts/container-scale-check.sh runs the
# second compose file, deploy/docker-compose.scale.yml (PostgreSQL, SeaweedFS, two instances, haproxy), on that image.
#
# No registry is reachable on the build machines, so the image the Dockerfile builds in is made here as a stand-in
# under its exact name: swift:<version>-<release> on a debian:<release>-slim stand-in (an mmdebstrap rootfs), with
# the host's toolchain mounted (not copied) into the build with the host's SwiftPM mirror. (The runtime stage is
# FROM scratch.)
# See ../shared/research/containers.md for why each podman setting (scripts/container/podman-env.sh) exists.
#
# Podman keeps its store in $DURADORA_CONTAINER_CACHE (default /var/tmp/duradora-container-check), with its own
# containers.conf and storage.conf written there: nothing system-wide changes. The stand-ins (built only when
# missing or when their recipe changed), the last build stage (tagged) and the image stay cached between runs;
# older, untagged layers are pruned after each run. One check at a time per store (flock).
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=duradora-check
START=$SECONDS
PASSED=0
pass() { PASSED=$((PASSED + 1)); echo "container-check ok ($((SECONDS - START)) s): $*"; }
fail() { echo "container-check FAILED ($((SECONDS - START)) s): $*" >&2; exit 1; }
step() { echo "container-check: $* ($((SECONDS - START)) s)"; }

# Rootful podman (what the settings below were worked out for), mmdebstrap in root mode, and the server's /proc
# entry read from outside the container.
[ "$(id -u)" = 0 ] || fail "needs root (rootful podman): run it as root, e.g. sudo scripts/container-check.sh"
for tool in podman mmdebstrap runc curl sox vips openssl python3 flock; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (make test-deps installs it)"
done
# podman isolated in $CACHE, podman-compose in $VENV, the store's lock held.
# shellcheck source=container/podman-env.sh
. scripts/container/podman-env.sh

compose() { "$VENV/bin/podman-compose" -p "$PROJECT" "$@"; }
WORK="$(mktemp -d /tmp/duradora-container-check.XXXXXX)"
CURL_PID=""
TLS_PID=""
cleanup() {
    [ -z "$CURL_PID" ] || kill "$CURL_PID" 2>/dev/null || true
    [ -z "$TLS_PID" ] || kill "$TLS_PID" 2>/dev/null || true
    compose down -v -t 5 >/dev/null 2>&1 || true
    podman rm -af -t 5 >/dev/null 2>&1 || true
    podman volume prune -f >/dev/null 2>&1 || true
    podman image prune -f >/dev/null 2>&1 || true    # earlier builds' layers (GBs); tagged images and theirs stay
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM    # so that the EXIT trap runs on Ctrl-C and kill too
# Leftovers of a run that was killed before its trap ran.
podman rm -af -t 0 >/dev/null 2>&1 || true
podman volume prune -f >/dev/null 2>&1 || true

# ---- the stand-in base images ----
arg() { sed -n "s/^ARG $1=//p" Dockerfile | head -1; }
SWIFT_VERSION="$(arg SWIFT_VERSION)"
DEBIAN_RELEASE="$(arg DEBIAN_RELEASE)"
[ -n "$SWIFT_VERSION" ] && [ -n "$DEBIAN_RELEASE" ] || fail "Dockerfile: no ARG SWIFT_VERSION= / DEBIAN_RELEASE="
BASE_IMAGE="docker.io/library/debian:$DEBIAN_RELEASE-slim"
SWIFT_IMAGE="docker.io/library/swift:$SWIFT_VERSION-$DEBIAN_RELEASE"
TOOLCHAIN="$(cd "$(dirname "$(readlink -f "$(command -v swift)")")/../.." && pwd)"
swift --version 2>&1 | grep -q "Swift version $SWIFT_VERSION" \
    || fail "the host toolchain ($TOOLCHAIN) is not Swift $SWIFT_VERSION, which the Dockerfile builds with"

# The Debian mirrors this machine uses (a deb822 file or sources.list), main only, as in the official image.
mapfile -t MIRRORS < <(
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        awk '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) print "deb " u " " $i " main" }' \
            /etc/apt/sources.list.d/debian.sources
    else
        awk '$1 == "deb" && $2 !~ /^\[/ { print "deb " $2 " " $3 " main" }' /etc/apt/sources.list 2>/dev/null
    fi)
[ ${#MIRRORS[@]} -gt 0 ] || MIRRORS=("deb http://deb.debian.org/debian $DEBIAN_RELEASE main")
# Like the official slim image: merged /usr without the usrmerge package (which pulls in 46 MB of perl), and no
# docs, man pages or translations, installed now or by later apt-get installs.
SLIM_OPTIONS=(--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
    --dpkgopt='path-exclude=/usr/share/groff/*' --dpkgopt='path-exclude=/usr/share/lintian/*'
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
    --aptopt='Acquire::Languages "none"')
# A stand-in is rebuilt when its recipe changes: the recipe's hash is a label on the image.
BASE_RECIPE="$(printf '%s\n' "$DEBIAN_RELEASE" "${SLIM_OPTIONS[@]}" "${MIRRORS[@]}" | sha256sum | cut -c1-16)"
SWIFT_RECIPE="$( (echo "$BASE_RECIPE $TOOLCHAIN"; cat scripts/container/swift-standin.Dockerfile) | sha256sum | cut -c1-16)"
recipe_of() { podman image inspect --format '{{index .Labels "duradora.recipe"}}' "$1" 2>/dev/null || true; }

if [ "$(recipe_of "$BASE_IMAGE")" != "$BASE_RECIPE" ]; then
    step "building the $BASE_IMAGE stand-in with mmdebstrap"
    mmdebstrap --quiet --variant=minbase "${SLIM_OPTIONS[@]}" "$DEBIAN_RELEASE" "$WORK/rootfs.tar" "${MIRRORS[@]}" \
        > "$WORK/mmdebstrap.log" 2>&1 || { cat "$WORK/mmdebstrap.log" >&2; fail "mmdebstrap could not build the rootfs"; }
    podman import -q --change "LABEL duradora.recipe=$BASE_RECIPE" --change 'CMD ["bash"]' \
        "$WORK/rootfs.tar" "$BASE_IMAGE" >/dev/null || fail "podman import of the rootfs"
    rm -f "$WORK/rootfs.tar"
    podman rmi -f "$SWIFT_IMAGE" >/dev/null 2>&1 || true
fi
if [ "$(recipe_of "$SWIFT_IMAGE")" != "$SWIFT_RECIPE" ]; then
    step "building the $SWIFT_IMAGE stand-in"
    podman build -q --build-arg TOOLCHAIN="$TOOLCHAIN" --label "duradora.recipe=$SWIFT_RECIPE" -t "$SWIFT_IMAGE" \
        -f scripts/container/swift-standin.Dockerfile scripts/container >/dev/null || fail "building the Swift stand-in"
fi
pass "stand-ins $BASE_IMAGE ($(($(podman image inspect --format '{{.Size}}' "$BASE_IMAGE") / 1000000)) MB) and $SWIFT_IMAGE"

# ---- build and start, as a user would: compose up --build ----
# Build steps see the host toolchain, and SwiftPM's mirror: each local directory git's system config rewrites
# github.com to (read-only, at the same paths), plus that config itself.
BUILD_MOUNTS="-v $TOOLCHAIN:$TOOLCHAIN:ro"
while read -r key _; do
    mirror="${key#url.}"; mirror="${mirror%.insteadof}"
    [ -d "$mirror" ] && case " $BUILD_MOUNTS " in *" -v $mirror:"*) ;; *) BUILD_MOUNTS+=" -v $mirror:$mirror:ro" ;; esac
done < <(git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null || true)
[ -f /etc/gitconfig ] && BUILD_MOUNTS+=" -v /etc/gitconfig:/etc/gitconfig:ro"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export DURADORA_PORT="$PORT" DURADORA_PUBLIC_URL="$BASE" DURADORA_ADMIN_USERNAME=checkadmin \
    DURADORA_ADMIN_PASSWORD=container-check-password
step "podman-compose up -d --build (the release build inside the image takes a few minutes)"
compose --podman-build-args="$BUILD_MOUNTS" up -d --build > "$WORK/up.log" 2>&1 \
    || { tail -60 "$WORK/up.log" >&2; fail "podman-compose up -d --build (the image did not build or start)"; }
# Tag the build stage (a cache hit, seconds): its layers then survive the prune at exit, so the next run rebuilds
# only from the first changed COPY.
# shellcheck disable=SC2086
podman build -q --target build -t localhost/duradora-check-build $BUILD_MOUNTS . >/dev/null \
    || fail "tagging the build stage"
IMAGE="$(podman image inspect --format '{{.Id}}' localhost/duradora:latest)" || fail "no image duradora:latest"
CONTAINER="$(podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}' | head -1)"
[ -n "$CONTAINER" ] || fail "podman-compose started no container"
pass "the Dockerfile builds and compose started $CONTAINER on port $PORT"

# The runtime image is FROM scratch with the build stage's ldd closure: its own dynamic linker must resolve them all.
podman run --rm --no-healthcheck --entrypoint /lib64/ld-linux-x86-64.so.2 localhost/duradora:latest \
    --list /usr/local/bin/duradora > "$WORK/ldd" 2>&1 || { cat "$WORK/ldd" >&2; fail "the image's dynamic linker cannot load the binary"; }
grep 'not found' "$WORK/ldd" && fail "the image lacks shared libraries the binary links (above)"
pass "every shared library the binary links is in the image ($(grep -c '=> /' "$WORK/ldd"), resolved by its own ld.so)"

wait_healthy() {
    for _ in $(seq 1 100); do
        curl -fsS -o "$WORK/health" "$BASE/health" 2>/dev/null && return 0
        sleep 0.2
    done
    podman logs "$CONTAINER" >&2 || true
    fail "/health did not answer through the published port $PORT"
}
wait_healthy
grep -q '"status":"ok"' "$WORK/health" || fail "/health: $(cat "$WORK/health")"
pass "/health answers through the published port"

scripts/smoke.sh "$BASE" > "$WORK/smoke.log" 2>&1 \
    || { cat "$WORK/smoke.log" >&2; fail "scripts/smoke.sh against the container"; }
pass "$(tail -1 "$WORK/smoke.log") (scripts/smoke.sh against the container)"

# Podman runs no healthchecks on its own without systemd: run the image's one once, as the scheduler would.
podman healthcheck run "$CONTAINER" >/dev/null || fail "the container's healthcheck fails"
health="$(podman inspect --format '{{.State.Health.Status}}' "$CONTAINER" 2>/dev/null \
    || podman inspect --format '{{.State.Healthcheck.Status}}' "$CONTAINER")"
[ "$health" = healthy ] || fail "healthcheck status is '$health', expected healthy"
pass "the compose healthcheck turns the container healthy"

PID="$(podman inspect --format '{{.State.Pid}}' "$CONTAINER")"
[ "$(cat "/proc/$PID/comm")" = duradora ] || fail "the container's main process is $(cat "/proc/$PID/comm"), not duradora"
read -r _ uid _ < <(grep '^Uid:' "/proc/$PID/status")
read -r _ gid _ < <(grep '^Gid:' "/proc/$PID/status")
[ "$uid:$gid" = 10001:10001 ] || fail "duradora runs as uid:gid $uid:$gid, expected 10001:10001"
pass "the server process runs as uid 10001 (not root)"

token_from() { sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' "$1"; }
curl -fsS -o "$WORK/login" -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$DURADORA_ADMIN_USERNAME\",\"password\":\"$DURADORA_ADMIN_PASSWORD\"}" \
    || fail "the bootstrap admin from DURADORA_ADMIN_USERNAME/_PASSWORD cannot log in"
curl -fsS -o "$WORK/me" -H "Authorization: Bearer $(token_from "$WORK/login")" "$BASE/api/v1/auth/me" \
    || fail "GET /api/v1/auth/me as the bootstrap admin"
grep -q '"role":"admin"' "$WORK/me" || fail "the bootstrap admin is not an admin: $(cat "$WORK/me")"
pass "DURADORA_ADMIN_USERNAME/_PASSWORD from the environment make an admin"

# ---- covers: the image's libvips (built with only the loaders covers need) reads each format and thumbnails it ----
ADMIN_AUTH="Authorization: Bearer $(token_from "$WORK/login")"
curl -fsS -o "$WORK/track.json" -X POST "$BASE/api/v1/tracks" -H "$ADMIN_AUTH" -H 'Content-Type: application/json' \
    -d '{"title":"Cover check","artist":"Check Band","album":"Check Album"}' || fail "POST /api/v1/tracks with an album"
ALBUM_ID="$(sed -n 's/.*"album_id":"\([^"]*\)".*/\1/p' "$WORK/track.json")"
[ -n "$ALBUM_ID" ] || fail "the track has no album_id: $(cat "$WORK/track.json")"
thumbnail() {  # thumbnail FILE [curl args…]: the album's 150 px cover into FILE, checked square and 150 px
    local file="$1"; shift
    curl -fsS -o "$file" -D "$file.headers" "$@" -H "$ADMIN_AUTH" "$BASE/api/v1/albums/$ALBUM_ID/cover?size=150" \
        || fail "GET the album's cover thumbnail ($*)"
    [ "$(vipsheader -f width "$file" 2>/dev/null)x$(vipsheader -f height "$file" 2>/dev/null)" = 150x150 ] \
        || fail "the cover thumbnail is not a 150x150 picture: $(head -c 200 "$file")"
}
for format in jpg png webp gif; do
    vips black "$WORK/cover.$format" 640 $((400 + ${#format})) --bands 3 || fail "vips could not make a $format picture"
    curl -fsS -o "$WORK/cover.json" -X PUT --data-binary "@$WORK/cover.$format" -H "$ADMIN_AUTH" \
        "$BASE/api/v1/albums/$ALBUM_ID/cover" || fail "PUT a $format album cover"
    thumbnail "$WORK/thumb.jpg"
    grep -qi '^content-type: image/jpeg' "$WORK/thumb.jpg.headers" || fail "a $format cover's thumbnail is not a JPEG"
done
thumbnail "$WORK/thumb.webp" -H 'Accept: image/webp'
grep -qi '^content-type: image/webp' "$WORK/thumb.webp.headers" || fail "the thumbnail asked for as WebP is not one"
pass "JPEG, PNG, WebP and GIF covers upload and thumbnail to 150 px JPEG and WebP"

# ---- https from the image (S3, OIDC): its OpenSSL trusts the CA file at Debian's path, and only what is in it ----
# A throwaway CA signs a certificate for localhost; a TLS server on the host serves a file. The container shares the
# host's network, so it resolves localhost through the image's nsswitch.conf and the engine's /etc/hosts.
mkdir -p "$WORK/tls/site" && echo container-check > "$WORK/tls/site/file"
(cd "$WORK/tls" \
 && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=container-check-ca \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
 && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost \
 && printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext \
 && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
        -out server.pem) > "$WORK/tls/openssl.log" 2>&1 || { cat "$WORK/tls/openssl.log" >&2; fail "openssl: the test CA"; }
python3 - "$WORK/tls" > "$WORK/tls/server.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
d = sys.argv[1]
server = http.server.HTTPServer(("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=d + "/site"))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(d + "/server.pem", d + "/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
open(d + "/port", "w").write(str(server.server_address[1]))
server.serve_forever()
PY
TLS_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/tls/port" ] && break; sleep 0.1; done
[ -s "$WORK/tls/port" ] || { cat "$WORK/tls/server.log" >&2; fail "the test TLS server did not start"; }
fetch_https() {  # fetch_https [podman run args…]: GET the file over https from inside the image
    podman run --rm --no-healthcheck --network host "$@" localhost/duradora:latest \
        client -m mp3_download -o /tmp/file -a "https://localhost:$(cat "$WORK/tls/port")/file"
}
fetch_https -v "$WORK/tls/ca.pem:/etc/ssl/certs/ca-certificates.crt:ro" > "$WORK/tls/trusted.log" 2>&1 \
    || { cat "$WORK/tls/trusted.log" >&2; fail "https with the test CA in the image's CA file"; }
fetch_https > "$WORK/tls/untrusted.log" 2>&1 && fail "https to a certificate of an unknown CA succeeded"
grep -q 'not trusted' "$WORK/tls/untrusted.log" \
    || { cat "$WORK/tls/untrusted.log" >&2; fail "https to an unknown CA failed, but not on trust"; }
kill "$TLS_PID" 2>/dev/null || true
TLS_PID=""
pass "https from the image verifies against /etc/ssl/certs/ca-certificates.crt (and refuses an unknown CA)"

# ---- an upload in flight when compose stops the service is finished, and the server exits 0 ----
curl -fsS -o "$WORK/user" -X POST "$BASE/user" -H 'Content-Type: application/json' -d '{"username":"container_check"}' \
    || fail "POST /user"
USER_ID="$(sed -n 's/.*"user_id":"\([^"]*\)".*/\1/p' "$WORK/user")"
USER_TOKEN="$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$WORK/user")"
sox -n -r 44100 -c 1 -b 16 "$WORK/track.wav" synth 4 sine 440 || fail "sox could not make the test track"
# 350 kB at 100 kB/s: the upload is still arriving when the stop signal comes.
curl -sS -o "$WORK/upload" -w '%{http_code}' --limit-rate 100k -F "file=@$WORK/track.wav" -F "user_id=$USER_ID" \
    -F "token=$USER_TOKEN" "$BASE/record" > "$WORK/upload.status" 2>&1 &
CURL_PID=$!
sleep 1.5
kill -0 "$CURL_PID" 2>/dev/null || fail "the slow upload ended before the stop: $(cat "$WORK/upload.status")"
compose stop > "$WORK/stop.log" 2>&1 || { cat "$WORK/stop.log" >&2; fail "podman-compose stop exited non-zero"; }
wait "$CURL_PID" || true
CURL_PID=""
[ "$(cat "$WORK/upload.status")" = 201 ] \
    || fail "the upload in flight during stop answered $(cat "$WORK/upload.status"), expected 201: $(cat "$WORK/upload")"
exit_code="$(podman inspect --format '{{.State.ExitCode}}' "$CONTAINER")"
[ "$exit_code" = 0 ] || { podman logs --tail 20 "$CONTAINER" >&2; fail "the server exited $exit_code on compose stop"; }
RECORD_PATH="/$(sed -n 's/.*"url":"[a-z]*:\/\/[^/]*\/\([^"]*\)".*/\1/p' "$WORK/upload")"
[ "$RECORD_PATH" != / ] || fail "no record url in the upload answer: $(cat "$WORK/upload")"
pass "compose stop drained an upload in flight (201) and the server exited 0"

# The server's own log: no errors, and libvips found every module it loads.
compose logs duradora > "$WORK/server.log" 2>&1 || fail "podman-compose logs"
grep -E '"level":"error"|WARNING|CRITICAL|error while loading' "$WORK/server.log" \
    && fail "the server logged errors or warnings in the container (above)"
pass "the server logged no errors or library warnings"

# ---- backup (the README's command): tar of both volumes from the stopped service ----
compose run --rm --no-deps -T --entrypoint tar duradora -C /var/lib/duradora -cz data uploads \
    > "$WORK/backup.tgz" 2> "$WORK/backup.log" || { cat "$WORK/backup.log" >&2; fail "the volume backup"; }
tar -tzf "$WORK/backup.tgz" > "$WORK/backup.list" || fail "the backup is not a tar.gz"
grep -q '^data/duradora.sqlite3$' "$WORK/backup.list" && grep -q '^uploads/.*\.mp3$' "$WORK/backup.list" \
    || { cat "$WORK/backup.list" >&2; fail "the backup lacks the database or the uploaded MP3s"; }
pass "the volume backup holds the database and the uploads ($(grep -c '\.mp3$' "$WORK/backup.list") MP3s)"

# ---- named volumes: the track survives down + up; down -v removes them ----
curl_track() { curl -fsS -o "$1" "$BASE$RECORD_PATH"; }
compose down > "$WORK/down.log" 2>&1 || { cat "$WORK/down.log" >&2; fail "podman-compose down"; }
for volume in duradora-db duradora-uploads; do
    podman volume exists "${PROJECT}_$volume" || fail "compose down removed the named volume $volume"
done
compose up -d > "$WORK/up2.log" 2>&1 || { cat "$WORK/up2.log" >&2; fail "podman-compose up -d after down"; }
[ "$(podman image inspect --format '{{.Id}}' localhost/duradora:latest)" = "$IMAGE" ] \
    || fail "up after down rebuilt the image"
wait_healthy
curl_track "$WORK/after-up.mp3" || fail "the uploaded track is gone after compose down + up"
[ "$(head -c 3 "$WORK/after-up.mp3")" = ID3 ] || fail "the track after down + up is not an MP3"
curl -fsS -o /dev/null -H "Authorization: Bearer $USER_TOKEN" "$BASE/api/v1/auth/me" \
    || fail "the user's token no longer works after down + up (database or secret key lost)"
pass "the uploaded track and the user's token survive compose down + up"

compose down -v > "$WORK/down.log" 2>&1 || { cat "$WORK/down.log" >&2; fail "podman-compose down -v"; }
left="$(podman volume ls --quiet)"
[ -z "$left" ] || fail "volumes left after compose down -v: $left"
pass "compose down -v removes the named volumes (and leaves no anonymous ones)"

# ---- restore (the README's command) into fresh volumes ----
compose run --rm --no-deps -T --entrypoint tar duradora -C /var/lib/duradora -xz < "$WORK/backup.tgz" \
    > "$WORK/restore.log" 2>&1 || { cat "$WORK/restore.log" >&2; fail "restoring the backup"; }
compose up -d > "$WORK/up3.log" 2>&1 || { cat "$WORK/up3.log" >&2; fail "podman-compose up -d after the restore"; }
wait_healthy
curl_track "$WORK/restored.mp3" || fail "the uploaded track is not there after restoring the backup"
cmp -s "$WORK/after-up.mp3" "$WORK/restored.mp3" || fail "the restored track differs"
pass "the backup restores into fresh volumes: the track is back"

# ---- size: the goal is under 150 MB ----
# The image has no stat or du: read its files from the host through a mount of the image.
image_mb=$(($(podman image inspect --format '{{.Size}}' localhost/duradora:latest) / 1000000))
ROOT="$(podman image mount localhost/duradora:latest)" || fail "podman image mount"
binary_mb=$(($(stat -c %s "$ROOT/usr/local/bin/duradora") / 1000000))
libraries_mb=$(($(find "$ROOT" -name '*.so*' -type f -printf '%s\n' | awk '{ t += $1 } END { print t + 0 }') / 1000000))
podman image unmount localhost/duradora:latest >/dev/null || true
echo "container-check: image duradora:latest is $image_mb MB: binary $binary_mb MB, shared libraries" \
    "$libraries_mb MB, the rest (resources, CA certificates, tar, gzip, sh) $((image_mb - binary_mb - libraries_mb)) MB" \
    "(goal: under 150 MB)"
[ "$image_mb" -lt 150 ] || fail "the image is $image_mb MB, over the 150 MB goal"
echo "container-check: $PASSED checks passed in $((SECONDS - START)) s"

# ---- the second compose file, deploy/docker-compose.scale.yml, on the image built above ----
compose down -v -t 5 > /dev/null 2>&1 || true
scripts/container-scale-check.sh || fail "the scale-out compose file (scripts/container-scale-check.sh, above)"
echo "container-check: both compose files pass ($((SECONDS - START)) s in all)"
