#!/usr/bin/env python3
"""`make bench`, streaming half: `/api/v1/tracks/{id}/stream` of the real server beside nginx serving the same MP3.

Full-file streaming MB/s at 16 connections and random 64 KiB Range requests/s at 64 connections (goal: >= 0.9x
nginx on both, server RSS under 50 MB). Server on CPU 0, wrk on CPU 1, as in bench/run.py. Each figure is the
median of BENCH_ROUNDS (3) rounds that take turns between the servers.
"""
import os, re, shutil, signal, subprocess, tempfile, urllib.request

from encode import sox_tone, start_app, upload
from run import CLIENT_CPU, DURATION, SERVER_CPU, free_port, peak_rss_mb, start_nginx, to_mb, to_ms

RANDOM_RANGE_LUA = """
local size = tonumber(os.getenv("BENCH_FILE_SIZE"))
math.randomseed(os.time())
request = function()
  local first = math.random(0, size - 65536)
  return wrk.format("GET", nil, {["Range"] = "bytes=" .. first .. "-" .. (first + 65535)})
end
"""


def wrk(url, connections, script=None, size=0):
    command = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{DURATION}", "--latency",
               "--timeout", "5s"] + (["-s", script] if script else []) + [url]
    out = subprocess.run(command, capture_output=True, text=True, check=True,
                         env=dict(os.environ, BENCH_FILE_SIZE=str(size))).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "mbps": to_mb(re.search(r"Transfer/sec:\s+(\S+)", out).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def median_run(runs):
    """The run with the median rate: the host's noise (other tenants of the VM) moves single runs by 10-25 %."""
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def main():
    workdir = tempfile.mkdtemp(prefix="duradora-bench-stream-")
    wav, mp3 = os.path.join(workdir, "3min.wav"), os.path.join(workdir, "track.mp3")
    script = os.path.join(workdir, "ranges.lua")
    with open(script, "w") as f:
        f.write(RANDOM_RANGE_LUA)
    sox_tone(wav, 180)
    servers = []  # (process, the signal that stops it gracefully)
    try:
        server, port, token = start_app(workdir, cpu=SERVER_CPU)
        servers.append((server, signal.SIGTERM))
        _, status, track = upload(port, token, wav)
        if status != 201:
            raise SystemExit(f"upload answered {status}")
        path = f"/api/v1/tracks/{track['id']}/stream"
        urllib.request.urlretrieve(f"http://127.0.0.1:{port}{path}", mp3)  # nginx serves exactly these bytes
        # nginx workers may run as another user (nobody): let them read the file.
        os.chmod(workdir, 0o755)
        os.chmod(mp3, 0o644)
        size = os.path.getsize(mp3)
        # nginx runs with `access_log off`: a second instance on the same data runs with our request log off too.
        quiet, quiet_port, _ = start_app(workdir, cpu=SERVER_CPU, log_level="warning")
        servers.append((quiet, signal.SIGTERM))
        nginx_port = free_port()
        nginx, nginx_pids = start_nginx(workdir, nginx_port, mp3)
        servers.append((nginx, signal.SIGQUIT))
        # And nginx with its default access log (one line per request, one write(2) each), beside ours.
        logging_port = free_port()
        logging_nginx, _ = start_nginx(workdir, logging_port, mp3, access_log=os.path.join(workdir, "access.log"))
        servers.append((logging_nginx, signal.SIGQUIT))
        urls = {"duradora": f"http://127.0.0.1:{port}{path}", "duradora-quiet": f"http://127.0.0.1:{quiet_port}{path}",
                "nginx": f"http://127.0.0.1:{nginx_port}/file", "nginx-logging": f"http://127.0.0.1:{logging_port}/file"}
        plan = (("duradora", "full"), ("nginx", "full"), ("duradora", "ranges"), ("nginx-logging", "ranges"),
                ("duradora-quiet", "ranges"), ("nginx", "ranges"))
        runs = {key: [] for key in plan}
        # Interleaved rounds, medians reported: a slow spell of the host hits every server alike.
        for _ in range(ROUNDS):
            for name, scenario in plan:
                if scenario == "full":
                    runs[(name, scenario)].append(wrk(urls[name], 16))
                else:
                    runs[(name, scenario)].append(wrk(urls[name], 64, script, size))
        results = {key: median_run(value) for key, value in runs.items()}
        results[("duradora", "rss")] = peak_rss_mb([server.pid])
        results[("nginx", "rss")] = peak_rss_mb(nginx_pids)
    finally:
        for process, stop in servers:
            process.send_signal(stop)
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'track stream (' + str(size >> 10) + ' KiB MP3)':<36}{'server':<15}{'req/s':>9}{'MB/s':>9}"
          f"{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'ratio':>7}")
    rows = (  # label, ours, theirs, compared by
        ("full file, 16 conns", ("duradora", "full"), ("nginx", "full"), "mbps"),
        ("64 KiB ranges, 64 conns, no logs", ("duradora-quiet", "ranges"), ("nginx", "ranges"), "rps"),
        ("64 KiB ranges, both logging", ("duradora", "ranges"), ("nginx-logging", "ranges"), "rps"),
    )
    for label, ours, theirs, key in rows:
        for server_name, r in ((ours[0], results[ours]), (theirs[0], results[theirs])):
            ratio = f"{results[ours][key] / results[theirs][key]:.2f}x" if server_name == ours[0] else ""
            print(f"{label:<36}{server_name:<15}{r['rps']:>9.0f}{r['mbps']:>9.1f}{r['p50']:>8.2f}{r['p99']:>8.2f}"
                  f"{r['errors']:>7}{ratio:>7}")
    logged, bare = results[("duradora", "ranges")], results[("nginx", "ranges")]
    print(f"(ranges with our request log on against nginx without one: {logged['rps'] / bare['rps']:.2f}x)")
    print(f"(median of {ROUNDS} interleaved rounds of {DURATION} each)")
    print(f"peak RSS: duradora {results[('duradora', 'rss')]:.1f} MB (goal < 50 MB), nginx {results[('nginx', 'rss')]:.1f} MB")


if __name__ == "__main__":
    main()
