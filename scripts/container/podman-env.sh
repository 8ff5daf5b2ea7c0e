# Sourced by scripts/container-check.sh and scripts/container-scale-check.sh (which define `fail` first): podman
# isolated in $CACHE, podman-compose from PyPI in $VENV, and one check at a time per store.
# See ../shared/research/containers.md for why each podman setting below exists.
CACHE="${DURADORA_CONTAINER_CACHE:-/var/tmp/duradora-container-check}"
VENV=.build/container-venv

# Debian's podman-compose 1.0.3 passes `${VAR:-}` through literally (the server then refuses the admin name).
if ! "$VENV/bin/podman-compose" --version >/dev/null 2>&1; then
    echo "installing podman-compose into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'podman-compose==1.6.0' \
        || fail "pip could not install podman-compose into $VENV"
fi

# The lock is taken once: container-check.sh runs container-scale-check.sh while holding it (fd 9 is inherited).
mkdir -p "$CACHE"
if [ "${DURADORA_CONTAINER_LOCK_HELD:-}" != "$CACHE" ]; then
    exec 9>"$CACHE/lock"
    flock 9
    export DURADORA_CONTAINER_LOCK_HELD="$CACHE"
fi

# runc, not crun: crun refuses these machines' hybrid cgroups. Only lowered rlimits: we cannot raise nofile past the
# hard limit, and conmon runs with nproc 32768. Docker-format images: OCI ones drop the HEALTHCHECK.
export CONTAINERS_CONF="$CACHE/containers.conf" CONTAINERS_STORAGE_CONF="$CACHE/storage.conf" BUILDAH_FORMAT=docker
export CONTAINERS_REGISTRIES_CONF="$CACHE/registries.conf"
hard_nofile="$(ulimit -Hn)"
[ "$hard_nofile" = unlimited ] && hard_nofile=1048576
cat > "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$hard_nofile:$hard_nofile", "nproc=16384:16384"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$CACHE/tmp"
[network]
network_config_dir = "$CACHE/networks"
CONF
printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/storage"\nrunroot = "%s/run"\n' "$CACHE" "$CACHE" \
    > "$CONTAINERS_STORAGE_CONF"
# Short names resolve to local images only: nothing is ever pulled.
printf 'unqualified-search-registries = []\nshort-name-mode = "permissive"\n' > "$CONTAINERS_REGISTRIES_CONF"
