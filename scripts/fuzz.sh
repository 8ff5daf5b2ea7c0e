#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP request parser and runs it for a bounded time.
#   scripts/fuzz.sh [SECONDS]   (default 60)
# Exits non-zero on any crash, hang (timeout), out-of-memory or sanitizer report, or if the build fails.
# New interesting inputs go to .build/fuzz/corpus (the checked-in seeds in fuzz/corpus stay untouched);
# crash reproducers go to .build/fuzz/artifacts.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/.build/fuzz"
SWIFTC="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"
mkdir -p "$OUT/corpus" "$OUT/artifacts"

SOURCES=(
    "$ROOT"/Sources/DuradoraHTTP/Parsing/RequestParser.swift
    "$ROOT"/Sources/DuradoraHTTP/Parsing/RequestHeadBuilder.swift
    "$ROOT"/Sources/DuradoraHTTP/Parsing/ChunkedBodyDecoder.swift
    "$ROOT"/Sources/DuradoraHTTP/Parsing/HTTPSyntax.swift
    "$ROOT"/Sources/DuradoraHTTP/Messages/RequestHead.swift
    "$ROOT"/Sources/DuradoraHTTP/Messages/HTTPHeaders.swift
    "$ROOT"/Sources/DuradoraHTTP/Messages/HTTPHeader.swift
    "$ROOT"/Sources/DuradoraHTTP/Messages/HTTPMethod.swift
    "$ROOT"/Sources/DuradoraHTTP/Messages/HTTPStatus.swift
    "$ROOT"/fuzz/FuzzEntry.swift
)

echo "fuzz: building with $SWIFTC"
"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -swift-version 6 -warnings-as-errors \
    -O -g -module-name DuradoraHTTP "${SOURCES[@]}" -o "$OUT/request-parser-fuzzer"

echo "fuzz: running for ${SECONDS_TO_RUN}s"
# -timeout: one input taking over 10 s is a hang; -rss_limit_mb: runaway memory is a failure too.
"$OUT/request-parser-fuzzer" \
    -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$OUT/artifacts/" -print_final_stats=1 -dict="$ROOT/fuzz/http.dict" \
    "$OUT/corpus" "$ROOT/fuzz/corpus"
echo "fuzz: no crash, hang or sanitizer report in ${SECONDS_TO_RUN}s"
