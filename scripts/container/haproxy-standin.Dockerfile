# A local stand-in for the official haproxy:2.8 image, for scripts/container-scale-check.sh only (machines without a
# registry): Debian's haproxy (2.6, bookworm) on the debian:bookworm-slim stand-in, laid out like the official
# image — the configuration at /usr/local/etc/haproxy/haproxy.cfg, the `haproxy` user (uid 99) running it in the
# foreground, SIGUSR1 (graceful stop) as the stop signal. deploy/haproxy.cfg uses nothing newer than 2.6.
FROM debian:bookworm-slim
# Debian's package makes its own system user; it then gets the official image's ids.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupmod --gid 99 haproxy && usermod --uid 99 --gid 99 --home /var/lib/haproxy haproxy \
 && mkdir -p /usr/local/etc/haproxy /var/lib/haproxy \
 && chown haproxy:haproxy /var/lib/haproxy
COPY haproxy-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
STOPSIGNAL SIGUSR1
ENTRYPOINT ["docker-entrypoint.sh"]
USER haproxy
WORKDIR /var/lib/haproxy
CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
