# A local stand-in for the official postgres:15-bookworm image, for scripts/container-scale-check.sh only (machines
# without a registry): Debian's PostgreSQL 15 on the debian:bookworm-slim stand-in, with an entrypoint that honours
# the same interface — POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB (and POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD), PGDATA=/var/lib/postgresql/data initialised when empty, the server as the `postgres`
# user (uid 999) on 0.0.0.0:5432, password (scram-sha-256) logins from the network, pg_isready on PATH.
# Not mimicked: /docker-entrypoint-initdb.d scripts, POSTGRES_PASSWORD_FILE and the other *_FILE variables.
FROM debian:bookworm-slim
RUN groupadd -r -g 999 postgres \
 && useradd -r -g postgres -u 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && mkdir -p /var/lib/postgresql /etc/postgresql-common/createcluster.d \
 && chown postgres:postgres /var/lib/postgresql \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql && chmod 3777 /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
# Fast shutdown, as in the official image.
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
