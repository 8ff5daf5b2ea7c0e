#!/usr/bin/env python3
"""`make bench`, transcoding half: live 128 kbps MP3 transcodes of the real server (`duradora serve`).

1. CPU seconds per stream-minute of one live transcode (the server's utime + stime across a full GET of a track
   not yet cached), against `ffmpeg -i in.flac -b:a 128k -f mp3 -` (the transcoder Navidrome and gonic shell out
   to) on the same audio, as a ratio (goal <= 0.8x).
2. First-byte latency of a live transcode: request sent to the first body byte, median of 5 cold starts
   (the cache pruned before each; goal < 100 ms).
"""
import http.client, os, resource, shutil, socket, statistics, subprocess, tempfile, time

from encode import ROOT, sox_tone, start_app, upload

SECONDS = 180


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
    data, first = b"", None
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        data += chunk
        if first is None and b"\r\n\r\n" in data and len(data) > data.index(b"\r\n\r\n") + 4:
            first = time.perf_counter() - start
    sock.close()
    return first, len(data) - data.index(b"\r\n\r\n") - 4


def main():
    workdir = tempfile.mkdtemp(prefix="duradora-bench-transcode-")
    wav, flac = os.path.join(workdir, "in.wav"), os.path.join(workdir, "in.flac")
    sox_tone(wav, SECONDS)
    subprocess.run(["sox", wav, flac], check=True)
    server, port, token = start_app(workdir)
    try:
        _, status, track = upload(port, token, wav)
        assert status == 201, status
        stream = f"/api/v1/tracks/{track['id']}/stream?max_bitrate=128"

        prune(workdir)
        before = cpu_seconds(server.pid)
        _, size = fetch(port, token, stream)
        time.sleep(0.3)  # the encode's last block and rename
        ours = cpu_seconds(server.pid) - before

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["ffmpeg", "-v", "error", "-i", flac, "-b:a", "128k", "-f", "mp3", "-"],
                       stdout=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        theirs = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)

        latencies = []
        for _ in range(5):
            prune(workdir)
            latencies.append(fetch(port, token, stream)[0])
        minutes = SECONDS / 60
        print(f"transcode 128 kbps live: {ours / minutes:.3f} CPU s per stream-minute ({size} bytes), "
              f"ffmpeg {theirs / minutes:.3f}: {ours / theirs:.2f}x ffmpeg (goal <= 0.8x)")
        print(f"transcode first byte (cold, median of 5): {statistics.median(latencies) * 1000:.1f} ms "
              f"(goal < 100 ms)")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
