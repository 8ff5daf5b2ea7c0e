# Duradora in a container: build with the official Swift image, run on slim Debian with only the runtime libraries.
#   docker build -t duradora .
#   docker run -p 8080:8080 -v duradora-data:/var/lib/duradora/data -v duradora-uploads:/var/lib/duradora/uploads duradora
# or `docker compose up` with the docker-compose.yml beside this file.

ARG SWIFT_VERSION=6.3
ARG DEBIAN_RELEASE=bookworm

# ---- build ----
FROM swift:${SWIFT_VERSION}-${DEBIAN_RELEASE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsqlite3-dev libmp3lame-dev libsndfile1-dev libsodium-dev zlib1g-dev pkg-config libsoxr-dev \
      libopus-dev libvips-dev libssl-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so editing the sources does not refetch them. (Package.resolved is not in git: resolve anew.)
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks
# The web player's files are a resource bundle that must sit beside the binary.
RUN swift build -c release --static-swift-stdlib --product duradora \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/duradora" /out/duradora \
 && cp -R "$(swift build -c release --show-bin-path)/Duradora_DuradoraApp.resources" /out/
# Debug info goes (12 of 89 MB); the symbol table (15 MB) stays, so a crash backtrace still names functions.
RUN strip --strip-debug /out/duradora

# ---- runtime ----
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsqlite3-0 libmp3lame0 libsndfile1 libsodium23 libsoxr0 libopus0 libvips42 libssl3 libpq5 curl ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 duradora \
 && useradd --system --uid 10001 --gid duradora --home-dir /var/lib/duradora --shell /usr/sbin/nologin duradora \
 && mkdir -p /etc/duradora /var/lib/duradora/data /var/lib/duradora/uploads /var/lib/duradora/cache/transcodes \
 && chown -R duradora:duradora /var/lib/duradora
COPY --from=build /out/ /usr/local/bin/
COPY config.toml /etc/duradora/config.toml

# Storage lives under /var/lib/duradora whatever the config file says; override any key the same way.
ENV DURADORA_SERVER_HOST=0.0.0.0 \
    DURADORA_SERVER_PORT=8080 \
    DURADORA_STORAGE_DATABASE=/var/lib/duradora/data/duradora.sqlite3 \
    DURADORA_STORAGE_UPLOADS=/var/lib/duradora/uploads \
    DURADORA_AUTH_SECRET_KEY_FILE=/var/lib/duradora/data/secret.key \
    DURADORA_AUDIO_TRANSCODING_CACHE_DIR=/var/lib/duradora/cache/transcodes

# The config is a file in the image (compose bind-mounts its own over it): not a volume, which would leave an
# anonymous volume behind per container.
VOLUME ["/var/lib/duradora/data", "/var/lib/duradora/uploads"]
EXPOSE 8080
USER duradora:duradora
WORKDIR /var/lib/duradora

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/health"]

# SIGTERM (docker stop) drains in-flight requests and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/duradora"]
CMD ["serve", "--config", "/etc/duradora/config.toml"]
