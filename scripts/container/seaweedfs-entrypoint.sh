#!/bin/sh
# The seaweedfs stand-in's entrypoint, for the commands deploy/docker-compose.scale.yml and the README use: as root
# it gives /data to the `seaweed` user and re-runs itself as that user; `mini` gets the official image's default
# data directory (-dir=/data) unless one is given, and logs to stderr; anything else is passed to weed as is.
set -e
if [ "$(id -u)" = 0 ]; then
    [ "$(stat -c %u:%g /data)" = "$(id -u seaweed):$(id -g seaweed)" ] || chown -R seaweed:seaweed /data
    exec setpriv --reuid=seaweed --regid=seaweed --init-groups "$0" "$@"
fi
has_dir() {
    for argument in "$@"; do
        case "$argument" in -dir | -dir=* | --dir | --dir=*) return 0 ;; esac
    done
    return 1
}
case "$1" in
    mini)
        shift
        has_dir "$@" || set -- -dir=/data "$@"
        exec /usr/bin/weed -logtostderr=true mini "$@"
        ;;
    *)
        exec /usr/bin/weed "$@"
        ;;
esac
