# Duradora in a container: build with the official Swift image, run on an empty base with only what the binary loads.
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
      libopus-dev libssl-dev libpq-dev ca-certificates \
      dpkg-dev meson ninja-build libglib2.0-dev libexpat1-dev libjpeg62-turbo-dev libpng-dev libwebp-dev \
      libexif-dev liblcms2-dev \
 && rm -rf /var/lib/apt/lists/*
# libvips from Debian's own source package (the same 8.14.1, with Debian's security patches), configured with only
# what covers need: JPEG, PNG, WebP and GIF in, JPEG and WebP out, EXIF orientation and ICC colour (lcms). Debian's
# libvips42 links every loader it was built with (ImageMagick, poppler, librsvg, OpenEXR, HDF5, ICU…): its ldd
# closure is 99 MB, this build's 10 MB. Installed where the package would put it (the multiarch directory, so the
# binary links it as libvips.so.42 on any architecture).
RUN sed -n 's/^deb /deb-src /p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      > /etc/apt/sources.list.d/duradora-src.list; \
    for f in /etc/apt/sources.list.d/*.sources; do [ ! -f "$f" ] || sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"; done; \
    apt-get update \
 && mkdir /tmp/vips && cd /tmp/vips && apt-get source -q vips \
 && cd vips-*/ \
 && meson setup build --prefix=/usr --libdir="lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)" --buildtype=release -Dauto_features=disabled \
      -Djpeg=enabled -Dpng=enabled -Dwebp=enabled -Dexif=enabled -Dlcms=enabled -Dzlib=enabled -Dnsgif=true \
      -Dppm=false -Danalyze=false -Dradiance=false -Dmodules=disabled -Dintrospection=false \
      -Ddeprecated=false -Dexamples=false -Dcplusplus=false \
 && meson compile -C build && meson install -C build && ldconfig \
 && cd / && rm -rf /tmp/vips /var/lib/apt/lists/*
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
# The runtime image's whole filesystem: the libraries the binary loads and the rest it needs (see the script).
COPY scripts/container/runtime-rootfs.sh /usr/local/bin/
RUN runtime-rootfs.sh /rootfs /out/duradora

# ---- runtime ----
# An empty base: only what runtime-rootfs.sh collected, so nothing but the server (and tar for backups) is in it.
FROM scratch AS runtime
COPY --from=build /rootfs/ /
# The engine's COPY may make copied files root's: the state directories (and so new volumes) belong to duradora.
COPY --from=build --chown=10001:10001 /rootfs/var/lib/duradora/ /var/lib/duradora/
COPY --from=build /out/ /usr/local/bin/
COPY config.toml /etc/duradora/config.toml

# Storage lives under /var/lib/duradora whatever the config file says; override any key the same way.
ENV PATH=/usr/local/bin:/usr/bin:/bin \
    DURADORA_SERVER_HOST=0.0.0.0 \
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

# The binary checks /health itself (GET on 127.0.0.1:server.port): the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/duradora", "healthcheck", "--config", "/etc/duradora/config.toml"]

# SIGTERM (docker stop) drains in-flight requests and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/duradora"]
CMD ["serve", "--config", "/etc/duradora/config.toml"]
