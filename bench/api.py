#!/usr/bin/env python3
"""`make bench`, API half: the real server (`duradora serve`) on small JSON answers beside nginx and FastAPI.

1. `/health` against nginx answering the same bytes (`return 200 '...'`), 64 keep-alive connections.
2. `GET /api/v1/tracks/{id}` of a public track created through the API (SQLite row, JSON body) against nginx
   serving the same bytes as a static file, and against FastAPI + uvicorn reading the same row from the same
   SQLite file (installed from PyPI into .build/bench-venv by `make bench`, for this benchmark only).
3. Both at 1 000 keep-alive connections: saturated (every connection always waiting: throughput, and a p99 that
   Little's law ties to 1 000 / throughput), and paced (bench/paced.lua: each connection asks every 50 ms,
   ~20 000 requests/s offered), where p99 is how long an answer takes (goal < 10 ms), ours against nginx.
4. RSS of the server holding 10 000 idle keep-alive connections (each has had one `/health`), goal < 60 MB.

Server on CPU 0, wrk on CPU 1 (taskset), as in bench/run.py; our request log is off (`log.level = "warning"`)
as nginx's is (`access_log off`) and uvicorn's (`--no-access-log`). Each figure is the median of BENCH_ROUNDS
interleaved rounds. Ratios compare servers measured in the same run.
"""
import asyncio, json, os, resource, shutil, signal, subprocess, sys, tempfile, time, urllib.request

from encode import request, rss_mb, start_app
from run import ROOT, SERVER_CPU, free_port, start_nginx, wait_listening, wrk
from stream import ROUNDS, median_run

VENV_PYTHON = os.path.join(ROOT, ".build/bench-venv/bin/python")
IDLE_CONNECTIONS = int(os.environ.get("BENCH_IDLE_CONNECTIONS", "10000"))
WORKER_SCRIPT = os.path.join(ROOT, "bench/content-length-0.lua")
PACED_SCRIPT = os.path.join(ROOT, "bench/paced.lua")

FASTAPI_APP = """
import os, sqlite3
from fastapi import FastAPI, HTTPException

app = FastAPI()
DATABASE = os.environ["BENCH_DATABASE"]
connection = sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True, check_same_thread=False)
connection.row_factory = sqlite3.Row

@app.get("/api/v1/tracks/{track_id}")
def show(track_id: str):
    # What our route does for an anonymous caller: read the row, check it is public, answer it as JSON.
    row = connection.execute("SELECT * FROM tracks WHERE id = ?", (track_id.lower(),)).fetchone()
    if row is None or row["visibility"] != "public":
        raise HTTPException(status_code=404, detail="Track not found")
    track = dict(row)
    track["stream_url"] = f"/api/v1/tracks/{track['id']}/stream"
    return track
"""


def start_fastapi(workdir, port, database):
    if not os.path.exists(VENV_PYTHON):
        raise SystemExit("no .build/bench-venv: run `make bench` (it installs fastapi and uvicorn there)")
    with open(os.path.join(workdir, "fastapi_app.py"), "w") as f:
        f.write(FASTAPI_APP)
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CPU, VENV_PYTHON, "-m", "uvicorn", "fastapi_app:app", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log", "--log-level", "warning"],
        cwd=workdir, env=dict(os.environ, BENCH_DATABASE=database), stderr=subprocess.DEVNULL)
    wait_listening(port)
    return process


async def hold_idle(port, count):
    """Opens `count` keep-alive connections, sends one `/health` on each, reads its answer, keeps them open."""
    request_bytes = b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n"
    streams = []

    async def one():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request_bytes)
        await reader.readuntil(b"\r\n\r\n")
        streams.append((reader, writer))

    for start in range(0, count, 500):  # batches: the listen backlog is finite
        await asyncio.gather(*(one() for _ in range(min(500, count - start))))
    return streams


def idle_rss(server_pid, port):
    before = rss_mb(server_pid)
    loop = asyncio.new_event_loop()
    streams = loop.run_until_complete(hold_idle(port, IDLE_CONNECTIONS))
    time.sleep(1)
    held = rss_mb(server_pid)
    for _, writer in streams:
        writer.close()
    loop.close()
    return before, held


def main():
    # 10 000 idle sockets on each side (this process holds the clients, the server its ends).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < IDLE_CONNECTIONS + 1000:
        raise SystemExit(f"ulimit -Hn is {hard}: {IDLE_CONNECTIONS} idle connections need more")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    workdir = tempfile.mkdtemp(prefix="duradora-bench-api-")
    os.chmod(workdir, 0o755)  # nginx's worker runs as nobody
    servers = []
    try:
        server, port, token = start_app(workdir, cpu=SERVER_CPU, log_level="warning", server_settings=(
            f"max_connections = {IDLE_CONNECTIONS + 1000}\nmax_connections_per_ip = 0"))
        servers.append((server, signal.SIGTERM))
        status, track = request(port, "POST", "/api/v1/tracks", token, headers={"Content-Type": "application/json"},
                                body=json.dumps({"title": "Benchmark", "artist": "Duradora", "album": "Bench",
                                                 "genre": "Test", "year": 2026, "visibility": "public"}))
        if status != 201:
            raise SystemExit(f"creating the track answered {status}: {track}")
        path = f"/api/v1/tracks/{track['id']}"
        track_file = os.path.join(workdir, "track.json")
        urllib.request.urlretrieve(f"http://127.0.0.1:{port}{path}", track_file)  # anonymous, as wrk asks
        os.chmod(track_file, 0o644)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as answer:
            health_body = answer.read().decode()
        nginx_port, fastapi_port = free_port(), free_port()
        nginx_process, _ = start_nginx(workdir, nginx_port, track_file, health_body=health_body)
        servers.append((nginx_process, signal.SIGQUIT))
        database = os.path.join(workdir, "data/duradora.sqlite3")
        servers.append((start_fastapi(workdir, fastapi_port, database), signal.SIGTERM))
        with urllib.request.urlopen(f"http://127.0.0.1:{fastapi_port}{path}") as answer:
            if answer.status != 200:
                raise SystemExit("the FastAPI app does not find the track")

        ours, nginx, fastapi = (f"http://127.0.0.1:{p}" for p in (port, nginx_port, fastapi_port))
        # A GET with `Content-Length: 0` has a body framing, so it never takes a fast path: the worker path
        # (middleware, SQLite read, JSON encoding, the hop to a worker and back) measured on its own. wrk drops
        # that header from `-H` (checked: the request arrives without it), so a Lua script writes the request.
        worker = WORKER_SCRIPT
        paced, paced_worker = (PACED_SCRIPT, ()), (PACED_SCRIPT, ("content-length-0",))
        plan = {  # label: [(server, url, connections, wrk script or None, or (script, its arguments))]
            "/health, 64 conns": [("duradora", ours + "/health", 64, None), ("nginx", nginx + "/health", 64, None)],
            "tracks/{id}, 64 conns": [("duradora", ours + path, 64, None), ("nginx", nginx + "/file.json", 64, None),
                                      ("fastapi", fastapi + path, 64, None)],
            "tracks/{id} worker path": [("duradora", ours + path, 64, worker),
                                        ("nginx", nginx + "/file.json", 64, worker),
                                        ("fastapi", fastapi + path, 64, worker)],
            "/health, 1000 conns": [("duradora", ours + "/health", 1000, None),
                                    ("nginx", nginx + "/health", 1000, None)],
            "tracks/{id}, 1000 conns": [("duradora", ours + path, 1000, None),
                                        ("nginx", nginx + "/file.json", 1000, None)],
            "/health, 1000 paced": [("duradora", ours + "/health", 1000, paced),
                                    ("nginx", nginx + "/health", 1000, paced)],
            "worker path, 1000 paced": [("duradora", ours + path, 1000, paced_worker),
                                        ("nginx", nginx + "/file.json", 1000, paced_worker)],
        }
        runs = {(label, row[0]): [] for label, rows in plan.items() for row in rows}
        for _ in range(ROUNDS):
            for label, rows in plan.items():
                for name, url, connections, script in rows:
                    script, arguments = script if isinstance(script, tuple) else (script, ())
                    runs[(label, name)].append(wrk(url, connections, script=script, script_args=arguments))
        results = {key: median_run(value) for key, value in runs.items()}
        # A fresh server for the idle connections: the memory the runs above left behind is not theirs.
        idle_server, idle_port, _ = start_app(workdir, cpu=SERVER_CPU, log_level="warning", server_settings=(
            f"max_connections = {IDLE_CONNECTIONS + 1000}\nmax_connections_per_ip = 0"))
        servers.append((idle_server, signal.SIGTERM))
        before, held = idle_rss(idle_server.pid, idle_port)
    finally:
        for process, stop in servers:
            process.send_signal(stop)
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'API answers':<26}{'server':<10}"
          f"{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio':>16}")
    for label, rows in plan.items():
        ours_rps = results[(label, "duradora")]["rps"]
        for name, *_ in rows:
            r = results[(label, name)]
            ratio = "" if name == "duradora" else f"ours {ours_rps / r['rps']:.2f}x"
            print(f"{label:<26}{name:<10}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}{ratio:>16}")
    print(f"(median of {ROUNDS} interleaved rounds; goals: /health >= 1.0x nginx, tracks/{{id}} >= 0.8x nginx and"
          f" >= 5x fastapi, p99 < 10 ms at 1000 paced conns; saturated, p50 is about 1000 / req/s for anyone)")
    print(f"{IDLE_CONNECTIONS} idle keep-alive connections: server RSS {before:.1f} MB -> {held:.1f} MB (goal < 60 MB)")


if __name__ == "__main__":
    sys.exit(main())
