#!/usr/bin/env python3
"""`make bench`: Duradora's Subsonic API beside supysonic (PyPI, the Python Subsonic server), same library, same run.

Generates BENCH_TRACKS (default 10 000) tagged MP3 files — 10 tracks per album, 2 albums per artist, 10 genres —, lets
each server import them (Duradora: a library scan; supysonic: `supysonic-cli folder scan`), then measures
getAlbumList2, search3 and getAlbum with wrk, the server on CPU 0 and wrk on CPU 1: req/s, p50, p99, and the ratio.
supysonic runs under waitress with 4 threads (its fastest pure-Python server here). Both answer JSON to a
cleartext-password request (`u`/`p`: an app password for us, the account password for supysonic).
"""
import json, os, struct, subprocess, sys, tempfile, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import CLIENT_CPU, DURATION, SERVER_CPU, free_port, peak_rss_mb, wait_listening, wrk  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACKS = int(os.environ.get("BENCH_TRACKS", "10000"))
VENV = os.path.join(ROOT, ".build", "supysonic-venv")
CONNECTIONS = 16


def id3_tag(frames):
    """An ID3v2.3 tag of text frames (ISO-8859-1)."""
    body = b"".join(name.encode() + struct.pack(">I", len(text) + 1) + b"\0\0\0" + text.encode("latin-1")
                    for name, text in frames)
    size = len(body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + syncsafe + body


def make_library(work):
    """TRACKS files under work/music/<artist>/<album>/; one short MP3's frames under every tag."""
    wav, mp3 = os.path.join(work, "t.wav"), os.path.join(work, "t.mp3")
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "1", wav, "synth", "0.2", "sine", "440"], check=True)
    subprocess.run(["lame", "--quiet", "-b", "64", wav, mp3], check=True)
    frames = open(mp3, "rb").read()
    music = os.path.join(work, "music")
    for index in range(TRACKS):
        album, number = divmod(index, 10)
        artist = album // 2
        folder = os.path.join(music, f"Artist {artist}", f"Album {album}")
        os.makedirs(folder, exist_ok=True)
        tag = id3_tag([("TIT2", f"Tune {index}"), ("TPE1", f"Artist {artist}"), ("TALB", f"Album {album}"),
                       ("TCON", f"Genre {album % 10}"), ("TYER", str(1970 + album % 50)), ("TRCK", str(number + 1))])
        with open(os.path.join(folder, f"{number + 1:02d}.mp3"), "wb") as out:
            out.write(tag + frames)
    return music


def call(url, payload=None, token=None):
    request = urllib.request.Request(url, data=json.dumps(payload).encode() if payload is not None else None)
    if payload is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read() or b"null")


def start_duradora(work, music):
    """Our release build with the library imported; returns (process, base URL, auth query)."""
    binary = os.environ.get("DURADORA_BINARY") or os.path.join(ROOT, ".build/release/duradora")
    if not os.path.exists(binary):
        raise SystemExit("build first: swift build -c release --product duradora")
    port = free_port()
    config = os.path.join(work, "duradora.toml")
    with open(config, "w") as f:
        f.write(f'[server]\nhost = "127.0.0.1"\nport = {port}\n[storage]\ndatabase = "{work}/d/duradora.sqlite3"\n'
                f'uploads = "{work}/d/uploads"\n[log]\nlevel = "warning"\n[auth]\npassword_hash_cost = "min"\n'
                '[auth.bootstrap_admin]\nusername = "bench"\npassword = "benchpassword"\n')
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU, binary, "serve", "--config", config], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(port)
    base = f"http://127.0.0.1:{port}"
    token = call(base + "/api/v1/auth/login", {"username": "bench", "password": "benchpassword"})["access_token"]
    started = time.monotonic()
    scan = call(base + "/api/v1/library/scans", {"path": music}, token)
    while scan["state"] not in ("finished", "failed"):
        time.sleep(0.5)
        scan = call(f"{base}/api/v1/library/scans/{scan['id']}", token=token)
    print(f"duradora imported {scan.get('added')} tracks in {time.monotonic() - started:.1f} s")
    password = call(base + "/api/v1/auth/app-passwords", {"name": "bench"}, token)["password"]
    return process, base, {"u": "bench", "p": password}


def start_supysonic(work, music):
    """supysonic from PyPI (venv under .build) with the same files scanned; returns (process, base URL, auth)."""
    python = os.path.join(VENV, "bin", "python")
    if subprocess.run([python, "-c", "import supysonic, waitress"], capture_output=True).returncode != 0 \
            if os.path.exists(python) else True:
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "supysonic", "waitress"], check=True)
    home = os.path.join(work, "supysonic")
    os.makedirs(home)
    with open(os.path.join(home, "supysonic.conf"), "w") as f:
        f.write(f"[base]\ndatabase_uri = sqlite:///{home}/supysonic.db\n[webapp]\ncache_dir = {home}/cache\n"
                "log_level = WARNING\n[daemon]\nsocket = " + os.path.join(home, "daemon.sock") + "\n")
    cli = os.path.join(VENV, "bin", "supysonic-cli")
    started = time.monotonic()
    for arguments in (["user", "add", "bench", "-p", "benchpassword"], ["folder", "add", "music", music],
                      ["folder", "scan", "music"]):
        subprocess.run([cli] + arguments, cwd=home, check=True, capture_output=True)
    print(f"supysonic imported its library in {time.monotonic() - started:.1f} s")
    port = free_port()
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU, os.path.join(VENV, "bin", "supysonic-server"),
                                "-S", "waitress", "-h", "127.0.0.1", "-p", str(port), "--threads", "4"], cwd=home,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(port, timeout=60)
    return process, f"http://127.0.0.1:{port}", {"u": "bench", "p": "benchpassword"}


def rest_url(base, method, auth, **params):
    query = urllib.parse.urlencode({**auth, "v": "1.16.1", "c": "bench", "f": "json", **params})
    return f"{base}/rest/{method}.view?{query}"


def measure(base, auth):
    """{endpoint: wrk result}, after checking that each call answers ok."""
    listed = call(rest_url(base, "getAlbumList2", auth, type="alphabeticalByName", size=1, offset=TRACKS // 40))
    album = listed["subsonic-response"]["albumList2"]["album"][0]["id"]
    urls = {"getAlbumList2": rest_url(base, "getAlbumList2", auth, type="alphabeticalByName", size=50,
                                      offset=TRACKS // 50),
            "search3": rest_url(base, "search3", auth, query="Tune 123", artistCount=20, albumCount=20, songCount=20),
            "getAlbum": rest_url(base, "getAlbum", auth, id=album)}
    results = {}
    for name, url in urls.items():
        answer = call(url)["subsonic-response"]
        if answer["status"] != "ok":
            raise SystemExit(f"{base} {name}: {answer}")
        results[name] = wrk(url, CONNECTIONS)
    return results


def main():
    with tempfile.TemporaryDirectory(prefix="bench-subsonic-") as work:
        music = make_library(work)
        measured, peaks = {}, {}
        for name, start in (("duradora", start_duradora), ("supysonic", start_supysonic)):
            process, base, auth = start(work, music)
            try:
                measured[name] = measure(base, auth)
                peaks[name] = peak_rss_mb([process.pid])
            finally:
                process.terminate()
                process.wait(timeout=30)
    print(f"\nSubsonic API, {TRACKS} tracks, {CONNECTIONS} connections, {DURATION} per run "
          f"(server on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU})")
    print(f"{'endpoint':<14}{'server':<11}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for endpoint in ("getAlbumList2", "search3", "getAlbum"):
        for name in ("duradora", "supysonic"):
            r = measured[name][endpoint]
            print(f"{endpoint:<14}{name:<11}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}")
        ratio = measured["duradora"][endpoint]["rps"] / max(measured["supysonic"][endpoint]["rps"], 0.001)
        print(f"{'':<14}{'ratio':<11}{ratio:>9.1f}x")
    print(f"peak RSS: duradora {peaks['duradora']:.0f} MB, supysonic {peaks['supysonic']:.0f} MB")


if __name__ == "__main__":
    main()
