#!/bin/bash
# Runs the test suite under scripts/close-audit.c (an LD_PRELOAD shim reporting close() calls that fail with
# EBADF, i.e. double closes) and prints each report with its frames resolved to Swift functions and lines.
# Exit status 1 when our code (not a child such as postgres) closed a descriptor twice.
# Usage: scripts/close-audit.sh [swift test arguments…]   (DURADORA_TEST_BACKEND=postgres works as usual)
set -uo pipefail
cd "$(dirname "$0")/.."
shim=.build/closeaudit.so
log=.build/closeaudit.log
mkdir -p .build
gcc -shared -fPIC -O1 -Wall -o "$shim" scripts/close-audit.c -ldl || exit 2
swift build --build-tests || exit 2
LD_PRELOAD="$PWD/$shim" swift test --skip-build "$@" >"$log" 2>&1
status=$?
tail -3 "$log"
# Frames look like /path/binary(+0xOFFSET)[0xADDRESS]: addr2line turns the offset into function and line.
awk '/==closeaudit== EBADF/,/==closeaudit== end/' "$log" | while IFS= read -r line; do
    if [[ "$line" =~ ^(/[^\(]+)\(\+(0x[0-9a-f]+)\) ]]; then
        echo "  $(basename "${BASH_REMATCH[1]}") $(addr2line -f -C -e "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" | paste -sd' ')"
    else
        echo "$line"
    fi
done | swift demangle --simplified
reports=$(grep -c '==closeaudit== EBADF' "$log")
echo "close-audit: $reports EBADF report(s) (log: $log); swift test exited $status"
# Reports from our code (the test binary, or a `duradora` it starts) name a build product in their frames; a
# child's such as postgres or haproxy do not.
own=$(awk '/==closeaudit== EBADF/,/==closeaudit== end/' "$log" | grep -cE '\.build/[^ ]*/(debug|release)/' || true)
[ "$own" -eq 0 ] || exit 1
exit $status
