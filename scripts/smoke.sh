#!/usr/bin/env bash
# Walks the README's curl flow against a running Duradora and exits non-zero at the first step that fails.
#   scripts/smoke.sh http://localhost:8080
# Needs only bash and curl. Creates users with a random suffix, so it can run again against the same instance.
set -euo pipefail

BASE_URL="${1:-${BASE_URL:-http://localhost:8080}}"
BASE_URL="${BASE_URL%/}"
SUFFIX="$(date +%s)$RANDOM"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
STEP=0

fail() { echo "FAIL step $STEP: $*" >&2; echo "--- response body ---" >&2; cat "$TMP/body" >&2 2>/dev/null || true; echo >&2; exit 1; }

# call EXPECTED_STATUS METHOD PATH [curl args…]: body in $TMP/body, headers in $TMP/headers.
call() {
    local expected="$1" method="$2" path="$3"
    shift 3
    STEP=$((STEP + 1))
    local status
    status="$(curl -sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method" "$@" "$BASE_URL$path")" \
        || fail "$method $path: curl could not connect to $BASE_URL"
    [ "$status" = "$expected" ] || fail "$method $path answered $status, expected $expected"
    echo "ok $STEP - $method $(sed -E 's/((access_|user_)?token=)[^&]*/\1***/g' <<<"$path") -> $status"
}

# field NAME: a string field of the JSON body (flat, as our answers are).
field() {
    sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$TMP/body"
}

expect_body() { grep -q -- "$1" "$TMP/body" || fail "body does not contain $1"; }

call 200 GET /health
expect_body '"status":"ok"'

# Seed-style: one call makes a user and hands back a token.
call 201 POST /user -H 'Content-Type: application/json' -d "{\"username\":\"seed_$SUFFIX\"}"
SEED_TOKEN="$(field token)"
SEED_ID="$(field user_id)"
[ -n "$SEED_TOKEN" ] && [ -n "$SEED_ID" ] || fail "no user_id/token in the answer"
call 200 GET /api/v1/auth/me -H "Authorization: Bearer $SEED_TOKEN"
expect_body "\"id\":\"$SEED_ID\""
call 201 POST "/create-user/?user_name=query_$SUFFIX"
[ -n "$(field token)" ] || fail "no token from /create-user/"
OTHER_ID="$(field user_id)"
call 409 POST "/create-user/?user_name=query_$SUFFIX"

# Seed-style upload: a WAV plus user_id and token as form fields (or in the query) -> {"url": ".../record?id=&user="}.
# A 0.5 s mono 44.1 kHz 16-bit square wave, written with printf so the script needs nothing but bash and curl.
le() { local i; for ((i = 0; i < $2; i++)); do printf "\\x$(printf %02x $((($1 >> (8 * i)) & 255)))"; done; }
write_wav() {
    local samples=22000 block="" i
    local bytes=$((samples * 2))
    for ((i = 0; i < 50; i++)); do block+='\x00\x20'; done
    for ((i = 0; i < 50; i++)); do block+='\x00\xe0'; done
    {
        printf 'RIFF'; le $((36 + bytes)) 4; printf 'WAVEfmt '; le 16 4; le 1 2; le 1 2; le 44100 4; le 88200 4
        le 2 2; le 16 2; printf 'data'; le "$bytes" 4
        for ((i = 0; i < samples / 100; i++)); do printf "$block"; done
    } > "$1"
}
write_wav "$TMP/take.wav"
call 201 POST /record -F "file=@$TMP/take.wav" -F "user_id=$SEED_ID" -F "token=$SEED_TOKEN"
RECORD_URL="$(field url)"
case "$RECORD_URL" in */record\?id=*"&user=$SEED_ID") ;; *) fail "unexpected url: $RECORD_URL" ;; esac
RECORD_PATH="/${RECORD_URL#*://*/}"
RECORD_ID="$(printf '%s' "$RECORD_PATH" | sed -n 's/.*[?&]id=\([^&]*\).*/\1/p')"
call 200 GET "$RECORD_PATH"
grep -qi '^content-disposition: attachment' "$TMP/headers" || fail "the record download is not an attachment"
[ "$(head -c 3 "$TMP/body")" = "ID3" ] || fail "the record download is not a tagged MP3"
call 206 GET "$RECORD_PATH" -H 'Range: bytes=0-99'
[ "$(wc -c < "$TMP/body")" -eq 100 ] || fail "the range answer is not 100 bytes"
call 201 POST "/add-audio/?user_id=$SEED_ID&user_token=$SEED_TOKEN" -F "file=@$TMP/take.wav"
call 200 GET "/record?audio_id=$RECORD_ID&user_id=$SEED_ID"
call 404 GET "/record?id=$RECORD_ID&user=$OTHER_ID"
call 401 POST /record -F "file=@$TMP/take.wav" -F "user_id=$SEED_ID" -F "token=not-the-token"

# Accounts with passwords: register, log in, who am I, refresh, log out.
PASSWORD="smoke-password-$SUFFIX"
call 201 POST /api/v1/auth/register -H 'Content-Type: application/json' \
    -d "{\"username\":\"ada_$SUFFIX\",\"password\":\"$PASSWORD\"}"
expect_body "\"username\":\"ada_$SUFFIX\""
call 401 POST /api/v1/auth/login -H 'Content-Type: application/json' \
    -d "{\"username\":\"ada_$SUFFIX\",\"password\":\"wrong-password\"}"
call 200 POST /api/v1/auth/login -H 'Content-Type: application/json' \
    -d "{\"username\":\"ada_$SUFFIX\",\"password\":\"$PASSWORD\"}"
ACCESS="$(field access_token)"
REFRESH="$(field refresh_token)"
[ -n "$ACCESS" ] && [ -n "$REFRESH" ] || fail "no token pair from login"
grep -qi '^set-cookie: duradora_session=' "$TMP/headers" || fail "login set no session cookie"
call 200 GET /api/v1/auth/me -H "Authorization: Bearer $ACCESS"
expect_body "\"username\":\"ada_$SUFFIX\""
call 200 GET /api/v1/auth/me -b "duradora_session=$ACCESS"
call 200 POST /api/v1/auth/refresh -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$REFRESH\"}"
ACCESS="$(field access_token)"
call 204 POST /api/v1/auth/logout -H "Authorization: Bearer $ACCESS"
call 401 GET /api/v1/auth/me -H "Authorization: Bearer $ACCESS"
grep -qi '^www-authenticate: bearer' "$TMP/headers" || fail "401 without WWW-Authenticate: Bearer"

# Playlists: create, add a track, share by link, fetch shared.
call 201 POST /api/v1/tracks -H "Authorization: Bearer $SEED_TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"Smoke","visibility":"public"}'
TRACK_ID="$(field id)"
call 201 POST /api/v1/playlists -H "Authorization: Bearer $SEED_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"smoke $SUFFIX\"}"
PLAYLIST_ID="$(field id)"
expect_body '"visibility":"private"'
call 201 POST "/api/v1/playlists/$PLAYLIST_ID/tracks" -H "Authorization: Bearer $SEED_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"track_id\":\"$TRACK_ID\"}"
expect_body '"position":0'
call 200 PATCH "/api/v1/playlists/$PLAYLIST_ID" -H "Authorization: Bearer $SEED_TOKEN" \
    -H 'Content-Type: application/json' -d '{"visibility":"link"}'
SHARE="$(field share_token)"
[ -n "$SHARE" ] || fail "no share_token after switching to link"
call 404 GET "/api/v1/playlists/$PLAYLIST_ID"
call 200 GET "/api/v1/playlists/shared/$SHARE"
expect_body "\"id\":\"$TRACK_ID\""

# Operations.
call 200 GET /openapi.json
expect_body '"openapi":"3.1.0"'
call 200 GET /docs
call 200 GET /metrics
expect_body 'duradora_http_requests_total{route="/api/v1/auth/login",method="POST",status="2xx"}'

echo "smoke: all $STEP steps passed against $BASE_URL"
