#!/bin/sh
# Makes the whole filesystem of the runtime image (`FROM scratch`) in the Dockerfile's build stage:
#   runtime-rootfs.sh ROOT PROGRAM...
# ROOT gets each PROGRAM's shared libraries, exactly the ones `ldd` resolves (the binary's, and those of the few
# tools below), copied from this stage at the same paths; `tar` and `gzip` for the README's volume backup (tar runs
# gzip through /bin/sh, so dash is /bin/sh); the CA certificates for https (S3, OIDC) where Debian's OpenSSL looks;
# /etc/passwd and /etc/group with the `duradora` user (uid and gid 10001); a writable /tmp; and the directories the
# image declares as volumes, owned by that user. Nothing else: no package manager, no other shell tools. libvips'
# loader modules are not copied (the libvips built here has none), nor GLib's GIO modules (nothing uses them).
# A library `ldd` cannot find fails the build here rather than the container at start.
set -eu
root="$1"
shift

mkdir -p "$root"
# The programs themselves (the server binary is COPYed to /usr/local/bin by the Dockerfile).
for tool in tar gzip; do
    install -D -m 0755 "$(command -v "$tool")" "$root/usr/bin/$tool"
done
install -D -m 0755 "$(readlink -f "$(command -v dash)")" "$root/bin/sh"

# Every shared library any of them loads, dereferenced, at the path the dynamic linker found it under.
for program in "$@" "$root/usr/bin/tar" "$root/usr/bin/gzip" "$root/bin/sh"; do
    listing="$(ldd "$program")"
    if printf '%s\n' "$listing" | grep -q 'not found'; then
        printf '%s\n' "$listing" >&2
        echo "runtime-rootfs.sh: $program links a library this stage does not have" >&2
        exit 1
    fi
    # "libx.so.1 => /lib/.../libx.so.1 (0x…)" and the interpreter's "/lib64/ld-linux-x86-64.so.2 (0x…)".
    printf '%s\n' "$listing" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
        while read -r library; do
            [ -e "$root$library" ] || cp -L --parents "$library" "$root"
        done
done

# CA certificates, and Debian's OpenSSL directory pointing at them (SSL_CTX_set_default_verify_paths reads it).
cp -L --parents /etc/ssl/certs/ca-certificates.crt /etc/ssl/openssl.cnf "$root"
mkdir -p "$root/usr/lib/ssl"
ln -s /etc/ssl/certs "$root/usr/lib/ssl/certs"
ln -s /etc/ssl/certs/ca-certificates.crt "$root/usr/lib/ssl/cert.pem"
ln -s /etc/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf"
# Name lookups for S3 and OIDC hosts: the engine mounts /etc/hosts and /etc/resolv.conf; this says to use both.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"

# The user the server runs as (USER duradora in the Dockerfile), and root for `podman exec` / `docker exec`.
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nduradora:x:10001:10001:Duradora:/var/lib/duradora:/usr/sbin/nologin\n' \
    > "$root/etc/passwd"
printf 'root:x:0:\nduradora:x:10001:\n' > "$root/etc/group"
mkdir -p "$root/tmp" "$root/etc/duradora" "$root/var/lib/duradora/data" "$root/var/lib/duradora/uploads" \
    "$root/var/lib/duradora/cache/transcodes"
chmod 1777 "$root/tmp"
chown -R 10001:10001 "$root/var/lib/duradora"
