#!/usr/bin/env python3
"""`make bench`, scale-out half (issue 16): the same server on its embedded defaults and on PostgreSQL + a bucket,
in the same run, with the same data.

1. Metadata: `GET /api/v1/tracks/{id}` through the worker path (`Content-Length: 0`, so every request reads the
   database), 64 connections: SQLite against PostgreSQL 15 (Debian, loopback TCP).
2. 64 KiB ranges of a track (what a seeking player asks for), 64 connections: from the local folder (sendfile)
   against proxied from SeaweedFS (one ranged GET to the store per request).
3. Whole-file streaming, 4 connections, MB/s: folder against bucket.
4. Two instances behind haproxy against one behind the same haproxy (worker-path GETs, PostgreSQL): the scaling
   this 2-core machine allows, everything (both servers, haproxy, PostgreSQL, wrk) sharing two cores.

Rows 1–3: server on CPU 0, wrk on CPU 1 (taskset), as bench/run.py; PostgreSQL and SeaweedFS are not pinned.
"""
import json, os, shutil, subprocess, sys, tempfile

from run import ROOT, SERVER_CPU, free_port, wrk

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import scale_services as scale  # noqa: E402

SCRIPT = os.path.join(ROOT, "bench/content-length-0.lua")


def release_binary():
    binary = os.path.join(ROOT, ".build/release/duradora")
    if not os.access(binary, os.X_OK):
        raise SystemExit("build the release binary first: swift build -c release --product duradora")
    return binary


def upload(instance, token, seconds):
    status, _, body = instance.call("POST", f"/api/v1/tracks?title=Bench&visibility=public", token,
                                    scale.tone(seconds, 22050), {"Content-Type": "audio/wav"})
    track = json.loads(body)["id"]
    if not scale.wait_for(lambda: json.loads(instance.call("GET", f"/api/v1/tracks/{track}", token)[2])
                          .get("status") == "ready", 120, 0.2):
        raise SystemExit(f"{instance.name}: the bench track never became ready")
    return track


def healthy(port):
    try:
        return scale.request(port, "GET", "/health", timeout=2)[0] == 200
    except OSError:
        return False


def row(label, ours, reference, unit="req/s", key="rps"):
    ratio = ours[key] / reference[key] if reference[key] else 0
    print(f"| {label} | {ours[key]:,.0f} (p99 {ours['p99']:.2f} ms) | {reference[key]:,.0f} (p99 {reference['p99']:.2f} ms)"
          f" | {ratio:.2f}× | {unit} |", flush=True)


def main():
    binary = release_binary()
    work = tempfile.mkdtemp(prefix="duradora-bench-scale-")
    os.chmod(work, 0o755)
    started = []
    try:
        postgres = scale.Postgres(work)
        started.append(postgres)
        s3 = scale.SeaweedFS(work)
        started.append(s3)
        pin = ("taskset", "-c", SERVER_CPU)
        # The bucket's instance gets a database of its own: the folder instance's rows name files it does not have.
        postgres.query("CREATE DATABASE bucket")
        setups = {
            "sqlite": scale.Instance("sqlite", binary, work, os.path.join(work, "sqlite.db"), None, pin, "warning", True),
            "postgres": scale.Instance("postgres", binary, work, postgres.url, None, pin, "warning", True),
            "bucket": scale.Instance("bucket", binary, work, postgres.url.replace("/postgres", "/bucket"), s3, pin,
                                     "warning", True),
        }
        started += setups.values()
        tracks = {}
        for name, instance in setups.items():
            token = scale.login(instance)
            tracks[name] = (upload(instance, token, 8), upload(instance, token, 600))
        print("| scenario (ours : reference, same run) | ours | reference | ratio | unit |\n| --- | --- | --- | --- | --- |")
        url = lambda name, path: f"http://127.0.0.1:{setups[name].port}{path}"
        metadata = {name: wrk(url(name, f"/api/v1/tracks/{tracks[name][0]}"), 64, script=SCRIPT)
                    for name in ("sqlite", "postgres")}
        row("`GET /api/v1/tracks/{id}` worker path: PostgreSQL : SQLite", metadata["postgres"], metadata["sqlite"])
        ranges = {name: wrk(url(name, f"/api/v1/tracks/{tracks[name][0]}/stream"), 64,
                            headers=("Range: bytes=65536-131071",)) for name in ("postgres", "bucket")}
        row("64 KiB ranges: bucket (proxied from SeaweedFS) : folder", ranges["bucket"], ranges["postgres"])
        whole = {name: wrk(url(name, f"/api/v1/tracks/{tracks[name][1]}/stream"), 4) for name in ("postgres", "bucket")}
        row("whole-file streams, 4 connections: bucket : folder", whole["bucket"], whole["postgres"], "MB/s", "mbps")

        # Two instances on one PostgreSQL database behind haproxy, against one of them behind the same haproxy.
        second = scale.Instance("postgres-2", binary, work, postgres.url, None, (), "warning", True)
        started.append(second)
        results = {}
        for label, members in (("one", [setups["postgres"]]), ("two", [setups["postgres"], second])):
            port = free_port()
            haproxy = subprocess.Popen(["haproxy", "-f", scale.haproxy_config(work, port, members)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not scale.wait_for(lambda: healthy(port), 10, 0.1):
                raise SystemExit("haproxy did not come up")
            results[label] = wrk(f"http://127.0.0.1:{port}/api/v1/tracks/{tracks['postgres'][0]}", 64, script=SCRIPT)
            scale.stop_process(haproxy)
        row("two instances behind haproxy : one (worker path, PostgreSQL, 2 cores for all)", results["two"], results["one"])
    finally:
        for service in reversed(started):
            service.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
