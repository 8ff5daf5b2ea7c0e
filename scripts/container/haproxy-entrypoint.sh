#!/bin/sh
# The haproxy stand-in's entrypoint: options alone mean `haproxy OPTIONS`, and haproxy itself runs in the
# foreground in master-worker mode (-W -db), as with the official image.
set -e
[ "${1#-}" = "$1" ] || set -- haproxy "$@"
if [ "$1" = haproxy ]; then
    shift
    set -- haproxy -W -db "$@"
fi
exec "$@"
