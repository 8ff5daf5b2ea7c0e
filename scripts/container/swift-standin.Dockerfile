# A local stand-in for the official swift:<version>-bookworm image, for scripts/container-check.sh only: machines
# without a registry build it on the debian:bookworm-slim stand-in, with the packages the official image installs.
# The toolchain itself is not copied in (3 GB): the check mounts the host's into every build step at the same path.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev libpython3-dev libsqlite3-0 \
      libstdc++-12-dev libxml2-dev libncurses-dev libz3-dev pkg-config tzdata zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
ARG TOOLCHAIN=/opt/swift
ENV PATH=${TOOLCHAIN}/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
