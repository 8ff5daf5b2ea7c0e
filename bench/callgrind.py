#!/usr/bin/env python3
"""Instructions per request of `duradora serve` under callgrind (counts do not depend on a busy machine).

Usage: bench/callgrind.py BINARY OUT PATH...   (PATH may contain {id}: a public track created through the API;
a PATH ending in `#worker` is sent with `Content-Length: 0`, which never takes a fast path: the worker path)
For each path: 50 warm-up requests, counters zeroed, wrk for 6 s on 4 connections, then a dump (OUT.1, OUT.2, …),
and the instructions per request printed (the dump's total over wrk's request count).
Read a dump with `callgrind_annotate --inclusive=yes --tree=calling OUT.1 | swift demangle --simplified`.
Valgrind 3.19 cannot read the Swift toolchain's DWARF 5: this script profiles a copy with `--strip-debug`
(function names stay, from the symbol table). Threads take turns under valgrind (`--fair-sched=yes`, or the
worker path starves).
"""
import glob, json, os, re, shutil, signal, subprocess, sys, tempfile, urllib.request

from encode import request, start_app


def dump_total(name):
    """Instructions counted in one dump (its `totals:` line; a dump per thread when threads are separated)."""
    with open(name) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    return 0


# The tools this script runs, and the Debian package each comes in.
TOOLS = {"wrk": "wrk", "valgrind": "valgrind", "callgrind_control": "valgrind", "objcopy": "binutils"}


def check_tools():
    """Stops before starting anything when a tool is missing: without this, a missing `wrk` surfaced as a
    FileNotFoundError traceback after minutes of valgrind start-up, and a missing valgrind as a server that never
    answered."""
    missing = sorted(name for name in TOOLS if shutil.which(name) is None)
    if missing:
        packages = " ".join(sorted({TOOLS[name] for name in missing}))
        sys.exit(f"bench/callgrind.py: missing {', '.join(missing)} (install with: apt-get install {packages})")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().split("\n\n")[1] if "\n\n" in __doc__ else __doc__)
    check_tools()
    binary, out, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench/callgrind.py: {binary} is not an executable (build it: swift build -c release)")
    workdir = tempfile.mkdtemp(prefix="duradora-callgrind-")
    stripped = os.path.join(workdir, "duradora")
    subprocess.run(["objcopy", "--strip-debug", binary, stripped], check=True)
    wrapper = ["valgrind", "--tool=callgrind", "--fair-sched=yes", f"--callgrind-out-file={out}"]
    server, port, token = start_app(workdir, log_level="warning", binary=stripped, wrapper=wrapper, start_seconds=600)
    try:
        _, track = request(port, "POST", "/api/v1/tracks", token,
                           headers={"Content-Type": "application/json"},
                           body=json.dumps({"title": "Benchmark", "artist": "Duradora", "visibility": "public"}))
        for label in paths:
            path, _, mode = label.replace("{id}", track["id"]).partition("#")
            headers = {"Content-Length": "0"} if mode == "worker" else {}
            for _ in range(50):
                urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)).read()
            subprocess.run(["callgrind_control", "-z", str(server.pid)], capture_output=True, check=True)
            # wrk drops `Content-Length: 0` given with -H: a Lua script writes that request.
            extra = ["-s", os.path.join(os.path.dirname(os.path.abspath(__file__)), "content-length-0.lua")] \
                if mode == "worker" else []
            answer = subprocess.run(["wrk", "-t1", "-c4", "-d6s", *extra, f"http://127.0.0.1:{port}{path}"],
                                    capture_output=True, text=True, check=True).stdout
            before = set(glob.glob(out + "*"))
            subprocess.run(["callgrind_control", "-d", label.replace("/", "_"), str(server.pid)],
                           capture_output=True, check=True)
            count = int(re.search(r"(\d+) requests in", answer).group(1))
            instructions = sum(dump_total(name) for name in set(glob.glob(out + "*")) - before)
            print(f"{label}: {count} requests, {instructions / max(1, count):,.0f} instructions/request", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)


if __name__ == "__main__":
    main()
