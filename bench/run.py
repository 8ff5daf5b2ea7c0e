#!/usr/bin/env python3
"""`make bench`: Duradora's HTTP core beside nginx, same machine, same run.

The server under test runs on CPU 0 and wrk on CPU 1 (taskset), so the figures compare the two servers' work
per core rather than the machine. Prints req/s, MB/s, p50/p99 latency, the servers' peak RSS, and ratios.
"""
import os, re, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DURATION = os.environ.get("BENCH_DURATION", "8s")
SERVER_CPU, CLIENT_CPU = "0", "1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def peak_rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def to_mb(text):
    value, unit = re.match(r"([\d.]+)([KMG]?B)", text).groups()
    return float(value) * {"B": 1 / 2**20, "KB": 1 / 1024, "MB": 1, "GB": 1024}[unit]


def wrk(url, connections, headers=(), script=None, script_args=()):
    """`script`: a wrk Lua script (bench/content-length-0.lua sends its GETs with `Content-Length: 0`, which
    wrk's own request builder drops from `-H`; bench/paced.lua paces each connection), given `script_args`."""
    extra = [argument for header in headers for argument in ("-H", header)] + (["-s", script] if script else [])
    after = ["--", *script_args] if script_args else []
    out = subprocess.run(["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{DURATION}",
                          "--latency", "--timeout", "5s", *extra, url, *after],
                         capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "mbps": to_mb(re.search(r"Transfer/sec:\s+(\S+)", out).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)),
    }
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] += int(non2xx.group(1)) if non2xx else 0
    return result


def start_duradora(binary, port, file):
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU, binary, str(port), file], stdout=subprocess.DEVNULL)
    wait_listening(port)
    return process, [process.pid]


def start_nginx(workdir, port, file, access_log=None, health_body='{"status":"ok","version":"bench"}'):
    """nginx with one worker on the server CPU; `access_log`: a file for its default per-request log (off if None).
    `/health` answers `health_body`, `/file` is `file` (application/octet-stream), `/file.json` the same as JSON."""
    name = "nginx" if access_log is None else "nginx-logging"
    conf = os.path.join(workdir, f"{name}.conf")
    escaped = health_body.replace("\\", "\\\\").replace("'", "\\'")
    with open(conf, "w") as f:
        f.write(f"""
worker_processes 1;
worker_cpu_affinity 1;
daemon off;
pid {workdir}/{name}.pid;
error_log {workdir}/{name}-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log {access_log or "off"};
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path {workdir}/body; proxy_temp_path {workdir}/proxy; fastcgi_temp_path {workdir}/fcgi;
    uwsgi_temp_path {workdir}/uwsgi; scgi_temp_path {workdir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location = /health {{ default_type application/json; return 200 '{escaped}'; }}
        location = /file {{ default_type application/octet-stream; alias {file}; }}
        location = /file.json {{ default_type application/json; alias {file}; }}
    }}
}}
""")
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU, "nginx", "-c", conf, "-p", workdir],
                               stderr=subprocess.DEVNULL)
    wait_listening(port)
    workers = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    return process, [process.pid] + [int(w) for w in workers]


def main():
    binary = os.path.join(ROOT, ".build/release/duradora-bench-server")
    if not os.path.exists(binary):
        raise SystemExit("build first: swift build -c release --product duradora-bench-server")
    workdir = tempfile.mkdtemp(prefix="duradora-bench-")
    # nginx's worker drops root for "nobody": it must be able to read the file (mkdtemp makes the folder 0700).
    os.chmod(workdir, 0o755)
    file = os.path.join(workdir, "4mb.bin")
    with open(file, "wb") as f:
        f.write(os.urandom(4 << 20))
    os.chmod(file, 0o644)
    scenarios = [("/health, 64 conns", "/health", 64), ("4 MB file, 16 conns", "/file", 16),
                 ("/health, 1000 conns", "/health", 1000)]
    results = {}
    try:
        for name, starter in (("duradora", start_duradora), ("nginx", start_nginx)):
            port = free_port()
            process, pids = starter(binary, port, file) if name == "duradora" else starter(workdir, port, file)
            try:
                for label, path, connections in scenarios:
                    results[(name, label)] = wrk(f"http://127.0.0.1:{port}{path}", connections)
                results[(name, "rss")] = peak_rss_mb(pids)
            finally:
                process.send_signal(signal.SIGTERM if name == "duradora" else signal.SIGQUIT)
                process.wait(timeout=10)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'scenario':<22}{'server':<10}{'req/s':>10}{'MB/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio':>8}")
    for label, _, _ in scenarios:
        ours, theirs = results[("duradora", label)], results[("nginx", label)]
        key = "mbps" if "file" in label else "rps"
        for name, r in (("duradora", ours), ("nginx", theirs)):
            ratio = f"{ours[key] / theirs[key]:.2f}x" if name == "duradora" else ""
            print(f"{label:<22}{name:<10}{r['rps']:>10.0f}{r['mbps']:>10.1f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}{ratio:>8}")
    print(f"peak RSS: duradora {results[('duradora', 'rss')]:.1f} MB, nginx {results[('nginx', 'rss')]:.1f} MB")


if __name__ == "__main__":
    main()
