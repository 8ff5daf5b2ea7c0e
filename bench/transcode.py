#!/usr/bin/env python3
"""`make bench`, transcoding half: live transcodes of the real server (`duradora serve`, a release build).

1. CPU seconds (user + sys) per stream-minute of one live transcode (the server's utime + stime across a full GET
   of a transcode not yet cached) of an imported FLAC (44.1 kHz stereo, `duradora import`: the library case that
   needs transcoding), against ffmpeg on the same file, as ratios (goal <= 0.8x), twice: against the command the
   issue names and Navidrome and gonic shell out to (`ffmpeg -i in.flac -b:a 128k -f mp3 -`: LAME at the source's
   rate and its default -q 3), and against ffmpeg doing exactly our work (resampled to our output rate, LAME -q 5).
   CPU time, not wall time: the machine may be shared. Each ratio is the median of BENCH_ROUNDS (3) rounds. Every
   output is decoded back and checked: its duration, and its RMS level against the source's (not silence, not
   clipped).
2. First-byte latency of a live transcode: request sent to the first body byte, median of 5 cold starts
   (the cache pruned before each; goal < 100 ms).
3. A cached transcode served (full file, 16 connections, wrk) beside nginx serving the same bytes: MB/s and the
   ratio (goal >= 0.95x).
"""
import array, json, math, os, resource, shutil, signal, socket, statistics, subprocess, tempfile, time, urllib.request

from encode import ROOT, sox_tone, start_app, upload
from run import SERVER_CPU, free_port, start_nginx
from stream import ROUNDS, median_run, wrk

SECONDS = int(os.environ.get("BENCH_TRANSCODE_SECONDS", "180"))
# (label, stream query, ffmpeg's plain command, ffmpeg doing our work: our output rate, LAME -q 5 / Opus hard CBR)
PROFILES = (
    ("mp3 96 kbps", "max_bitrate=96", ["-b:a", "96k", "-f", "mp3"],
     ["-ar", "32000", "-c:a", "libmp3lame", "-compression_level", "5", "-b:a", "96k", "-f", "mp3"]),
    ("mp3 128 kbps", "max_bitrate=128", ["-b:a", "128k", "-f", "mp3"],
     ["-ar", "48000", "-c:a", "libmp3lame", "-compression_level", "5", "-b:a", "128k", "-f", "mp3"]),
    ("opus 128 kbps", "format=opus&max_bitrate=128", ["-c:a", "libopus", "-b:a", "128k", "-f", "ogg"],
     ["-ar", "48000", "-c:a", "libopus", "-b:a", "128k", "-vbr", "off", "-f", "ogg"]),
)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prune(workdir):
    subprocess.run([os.path.join(ROOT, ".build/release/duradora"), "cache", "prune", "--config",
                    os.path.join(workdir, "config.toml")], check=True, capture_output=True)


def fetch(port, token, path):
    """GET with a raw socket: (seconds to the first body byte, body bytes)."""
    sock = socket.create_connection(("127.0.0.1", port))
    start = time.perf_counter()
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode())
    chunks, first = [], None
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        if first is None:
            head = b"".join(chunks)
            if b"\r\n\r\n" in head and len(head) > head.index(b"\r\n\r\n") + 4:
                first = time.perf_counter() - start
    sock.close()
    data = b"".join(chunks)
    return first, data[data.index(b"\r\n\r\n") + 4:]


def ffmpeg_cpu(arguments):
    """user + sys CPU seconds of one ffmpeg run."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["ffmpeg", "-v", "error", "-threads", "1"] + arguments + ["-"], stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)


def decoded(path):
    """(seconds, RMS, clipped samples) of `path` decoded by ffmpeg to 48 kHz mono 16-bit."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "48000", "-"],
                         capture_output=True, check=True).stdout
    samples = array.array("h", raw)
    rms = math.sqrt(sum(s * s for s in samples) / max(len(samples), 1))
    return len(samples) / 48000, rms, sum(1 for s in samples if abs(s) >= 32767)


def main():
    workdir = tempfile.mkdtemp(prefix="duradora-bench-transcode-")
    music = os.path.join(workdir, "music")
    os.makedirs(music)
    wav, flac = os.path.join(workdir, "in.wav"), os.path.join(music, "in.flac")
    sox_tone(wav, SECONDS)
    subprocess.run(["sox", wav, flac], check=True)
    server, port, token = start_app(workdir)
    servers = [(server, signal.SIGTERM)]
    try:
        subprocess.run([os.path.join(ROOT, ".build/release/duradora"), "import", music, "--config",
                        os.path.join(workdir, "config.toml")], check=True, capture_output=True)
        tracks = json.loads(fetch(port, token, "/api/v1/tracks?limit=1")[1])["items"]
        base = f"/api/v1/tracks/{tracks[0]['id']}/stream"
        _, source_rms, _ = decoded(flac)
        # One untimed transcode first (the file probed and in the page cache, the encoder code paged in), so the
        # first profile measured pays no more than the others.
        fetch(port, token, f"{base}?max_bitrate=96&time_offset={SECONDS - 10}")
        minutes = SECONDS / 60
        print(f"\nlive transcode of a {SECONDS} s imported FLAC (44.1 kHz stereo), CPU s per stream-minute "
              f"(median of {ROUNDS} rounds)")
        print(f"{'profile':<16}{'duradora':>10}{'ffmpeg':>9}{'ratio':>8}{'same work':>11}{'ratio':>8}"
              f"{'decoded s':>11}{'RMS/src':>9}{'clipped':>9}")
        for label, query, plain, same in PROFILES:
            ours, theirs, equal, body = [], [], [], b""
            for _ in range(ROUNDS):
                prune(workdir)
                before = cpu_seconds(server.pid)
                _, body = fetch(port, token, f"{base}?{query}")
                time.sleep(0.3)  # the encode's last block and rename
                ours.append(cpu_seconds(server.pid) - before)
                theirs.append(ffmpeg_cpu(["-i", flac] + plain))
                equal.append(ffmpeg_cpu(["-i", flac] + same))
            output = os.path.join(workdir, "out." + ("opus" if "opus" in query else "mp3"))
            with open(output, "wb") as f:
                f.write(body)
            seconds, rms, clipped = decoded(output)
            ratio = statistics.median(a / b for a, b in zip(ours, theirs))
            same_ratio = statistics.median(a / b for a, b in zip(ours, equal))
            print(f"{label:<16}{statistics.median(ours) / minutes:>10.3f}{statistics.median(theirs) / minutes:>9.3f}"
                  f"{ratio:>7.2f}x{statistics.median(equal) / minutes:>11.3f}{same_ratio:>7.2f}x"
                  f"{seconds:>11.2f}{rms / source_rms:>9.2f}{clipped:>9}")
        print("(goal <= 0.8x; ffmpeg -threads 1 on the same file: its plain command, then doing our work)")

        mp3 = f"{base}?max_bitrate=128"
        latencies = []
        for _ in range(5):
            prune(workdir)
            latencies.append(fetch(port, token, mp3)[0])
        print(f"transcode first byte (cold, median of 5): {statistics.median(latencies) * 1000:.1f} ms (goal < 100 ms)")

        # 3. The cached transcode (the last fetch left it in the cache) beside nginx serving its bytes.
        time.sleep(0.5)
        cached = os.path.join(workdir, "cached.mp3")
        with open(cached, "wb") as f:
            f.write(fetch(port, token, mp3)[1])
        os.chmod(workdir, 0o755)
        os.chmod(cached, 0o644)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        servers = []
        pinned, pinned_port, pinned_token = start_app(workdir, cpu=SERVER_CPU, log_level="warning")
        servers.append((pinned, signal.SIGTERM))
        nginx_port = free_port()
        nginx, _ = start_nginx(workdir, nginx_port, cached)
        servers.append((nginx, signal.SIGQUIT))
        # wrk sends no Authorization header of its own: a URL with the token as a header is not possible, so the
        # cached transcode is fetched through a Lua script that adds it.
        script = os.path.join(workdir, "auth.lua")
        with open(script, "w") as f:
            f.write(f'wrk.headers["Authorization"] = "Bearer {pinned_token}"\n')
        runs = {"duradora": [], "nginx": []}
        for _ in range(ROUNDS):
            runs["duradora"].append(wrk(f"http://127.0.0.1:{pinned_port}{mp3}", 16, script))
            runs["nginx"].append(wrk(f"http://127.0.0.1:{nginx_port}/file", 16))
        ours, theirs = median_run(runs["duradora"]), median_run(runs["nginx"])
        print(f"cached transcode ({os.path.getsize(cached) >> 10} KiB), full file, 16 conns: duradora "
              f"{ours['mbps']:.1f} MB/s, nginx {theirs['mbps']:.1f} MB/s: {ours['mbps'] / theirs['mbps']:.2f}x "
              f"(goal >= 0.95x; errors {ours['errors']}/{theirs['errors']})")
    finally:
        for process, stop in servers:
            process.send_signal(stop)
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
