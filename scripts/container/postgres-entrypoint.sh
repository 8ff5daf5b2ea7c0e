#!/bin/sh
# The postgres stand-in's entrypoint (see postgres-standin.Dockerfile): what the official image's entrypoint does
# for `postgres`, in short. As root it prepares the data directory and re-runs itself as `postgres`; on an empty
# data directory it runs initdb (the superuser POSTGRES_USER with POSTGRES_PASSWORD), lets every address log in with
# a password, creates POSTGRES_DB, then starts the server listening on all addresses.
set -eu
[ "${1#-}" = "$1" ] || set -- postgres "$@"
[ "$1" = postgres ] || exec "$@"

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    user="${POSTGRES_USER:-postgres}"
    database="${POSTGRES_DB:-$user}"
    method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$method" != trust ]; then
        echo "postgres: POSTGRES_PASSWORD is not set: the database is uninitialized and will not start" >&2
        exit 1
    fi
    password_file="$(mktemp)"
    printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$password_file"
    # shellcheck disable=SC2086
    initdb --username="$user" --pwfile="$password_file" --auth-local=trust --auth-host="$method" \
        ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
    rm -f "$password_file"
    printf '\nhost all all all %s\n' "$method" >> "$PGDATA/pg_hba.conf"
    printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
    if [ "$database" != postgres ]; then
        # On the socket only, so that nobody connects before the database exists.
        pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
        psql -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres -q \
            -c "CREATE DATABASE \"$(printf '%s' "$database" | sed 's/"/""/g')\""
        pg_ctl -D "$PGDATA" -m fast -w stop
    fi
    echo "postgres: initialised $PGDATA (user $user, database $database)"
fi
exec "$@"
