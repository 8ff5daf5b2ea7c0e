#!/usr/bin/env python3
"""`make bench`, upload half: end-to-end encoding speed and memory of the real server (`duradora serve`).

1. Seconds from the start of a 3-minute 44.1 kHz stereo WAV upload to its `201`, against the `lame` command-line
   encoder on the same file at the same settings (192 kbps CBR), as a ratio (goal <= 1.1x).
2. The server's peak RSS above idle during 4 concurrent ~100 MB WAV uploads, until all four are encoded
   (goal: under 64 MB above idle), sampled from /proc every 20 ms.
"""
import http.client, json, os, shutil, signal, subprocess, tempfile, threading, time

from run import ROOT, free_port, wait_listening

BITRATE = 192
# The release build `make bench` makes; BENCH_BINARY points elsewhere (a debug build while writing a benchmark).
BINARY = os.environ.get("BENCH_BINARY", os.path.join(ROOT, ".build/release/duradora"))


def sox_tone(path, seconds):
    # Two different sweeps, one per channel, with a little noise: something for the encoder to work on.
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", "-b", "16", path, "synth", str(seconds),
                    "sine", "220-880", "sine", "330-990", "vol", "0.5"], check=True)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def request(port, method, path, token=None, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else {}


def upload(port, token, path):
    """Streams the file as a raw audio/wav body; returns (seconds to the answer, status, track)."""
    size = os.path.getsize(path)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    connection.putrequest("POST", "/api/v1/tracks")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", "audio/wav")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            connection.send(chunk)
    response = connection.getresponse()
    track = json.loads(response.read())
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed, response.status, track


def wait_ready(port, token, track_id, timeout=900):
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, track = request(port, "GET", f"/api/v1/tracks/{track_id}", token)
        if track.get("status") in ("ready", "failed"):
            return track
        time.sleep(0.1)
    raise SystemExit(f"track {track_id} never finished")


def start_app(workdir, cpu=None, log_level="info", server_settings="", binary=None, wrapper=(), start_seconds=15):
    """`duradora serve` with a fresh config in `workdir` and an admin; returns (process, port, token).
    `log_level = "warning"` turns the per-request access log off (what nginx's `access_log off` is);
    `server_settings`: more `[server]` lines (TOML); `wrapper`: a command the server runs under (valgrind)."""
    binary = binary or BINARY
    if not os.path.exists(binary):
        raise SystemExit("build first: swift build -c release --product duradora")
    port = free_port()
    config = os.path.join(workdir, "config.toml")
    with open(config, "w") as f:
        f.write(f"""
[server]
host = "127.0.0.1"
port = {port}
{server_settings}
[storage]
database = "data/duradora.sqlite3"
uploads = "uploads"
[audio]
bitrate = {BITRATE}
max_concurrent_transcodes = 4
[log]
level = "{log_level}"
[auth]
password_hash_cost = "min"
[auth.bootstrap_admin]
username = "bench"
password = "benchpassword"
""")
    command = ([] if cpu is None else ["taskset", "-c", cpu]) + list(wrapper) + [binary, "serve", "--config", config]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    wait_listening(port, timeout=start_seconds)
    _, login = request(port, "POST", "/api/v1/auth/login",
                       body=json.dumps({"username": "bench", "password": "benchpassword"}),
                       headers={"Content-Type": "application/json"})
    return server, port, login["access_token"]


def main():
    workdir = tempfile.mkdtemp(prefix="duradora-bench-encode-")
    short, long = os.path.join(workdir, "3min.wav"), os.path.join(workdir, "10min.wav")
    sox_tone(short, 180)
    sox_tone(long, 600)
    long_mb = os.path.getsize(long) >> 20
    server, port, token = start_app(workdir)
    try:
        idle = rss_mb(server.pid)

        # 1. One 3-minute upload, request to answer, against lame on the same file.
        seconds, status, track = upload(port, token, short)
        if status == 202:
            wait_ready(port, token, track["id"])
            seconds = None  # answered before the encode finished: not comparable
        start = time.perf_counter()
        subprocess.run(["lame", "--quiet", "--cbr", "-b", str(BITRATE), short, os.path.join(workdir, "lame.mp3")],
                       check=True)
        lame_seconds = time.perf_counter() - start

        # 2. Four concurrent ~100 MB uploads: peak RSS above idle until all are encoded.
        peak, done = idle, threading.Event()

        def sample():
            nonlocal peak
            while not done.is_set():
                peak = max(peak, rss_mb(server.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        results = [None] * 4

        def run(index):
            _, status, track = upload(port, token, long)
            results[index] = wait_ready(port, token, track["id"]) if status in (201, 202) else {"status": status}

        uploaders = [threading.Thread(target=run, args=(i,)) for i in range(4)]
        for thread in uploaders:
            thread.start()
        for thread in uploaders:
            thread.join()
        done.set()
        sampler.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'upload encode (3 min WAV, 192 kbps)':<40}{'seconds':>10}{'ratio':>8}")
    if seconds is None:
        print(f"{'duradora, request to 201':<40}{'(202)':>10}")
    else:
        print(f"{'duradora, request to 201':<40}{seconds:>10.2f}{seconds / lame_seconds:>7.2f}x  (goal <= 1.1x)")
    print(f"{'lame command line':<40}{lame_seconds:>10.2f}")
    statuses = [r.get("status") for r in results]
    print(f"4 x {long_mb} MB concurrent uploads: {statuses}; "
          f"peak RSS {peak:.1f} MB, {peak - idle:.1f} MB above idle (goal < 64 MB)")


if __name__ == "__main__":
    main()
