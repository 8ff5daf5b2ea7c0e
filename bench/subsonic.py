#!/usr/bin/env python3
"""`make bench`: Duradora's Subsonic API beside supysonic (PyPI, the Python Subsonic server), same library, same run.

1. BENCH_TRACKS (default 10 000) generated tagged MP3 files — 10 tracks per album, 2 albums per artist, 10 genres —
   imported by each server (Duradora: a library scan; supysonic: `supysonic-cli folder scan`), then getAlbumList2,
   search3 and getAlbum measured with wrk, the server on CPU 0 and wrk on CPU 1: req/s, p50, p99 and the ratios.
   First both servers must answer the same items (album names of the page, song titles, the album's songs), or the
   comparison means nothing. supysonic runs under waitress with 4 threads (its fastest pure-Python server here). Both
   answer JSON to a cleartext-password request (`u`/`p`: an app password for us, the account password for supysonic).
2. Duradora alone with BENCH_BIG_TRACKS (default 100 000): the walk Symfonium syncs with, empty-query search3 pages
   of 500 songs (`query=""&artistCount=0&albumCount=0&songOffset=…`) on one keep-alive connection, every page timed
   (goal < 20 ms), and every track seen exactly once. BENCH_BIG_TRACKS=0 skips it.

The generated files and supysonic's scanned database (its scan is slow: some 8 s per 1 000 files) are kept under
.build/bench-subsonic, keyed by what they are made from (the generator's version, the track range), and reused.

`bench/subsonic.py --callgrind` measures instructions per request instead (noise-free on a busy machine): Duradora
with the BENCH_TRACKS library restarted under `valgrind --tool=callgrind`, BENCH_CALLS requests per endpoint on one
connection, counters zeroed before and dumped after each endpoint. DURADORA_BINARY picks the binary (compare two);
BENCH_CALLGRIND_OUT=PATH keeps the dumps (PATH.1, PATH.2, … in the order printed): read one with
`callgrind_annotate --inclusive=yes PATH.1 | swift demangle --simplified`.
"""
import glob, http.client, json, os, shutil, signal, struct, subprocess, sys, tempfile, time, urllib.parse, \
    urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from callgrind import dump_total  # noqa: E402
from run import CLIENT_CPU, DURATION, SERVER_CPU, free_port, peak_rss_mb, wait_listening, wrk  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACKS = int(os.environ.get("BENCH_TRACKS", "10000"))
BIG_TRACKS = int(os.environ.get("BENCH_BIG_TRACKS", "100000"))
CALLS = int(os.environ.get("BENCH_CALLS", "200"))
VENV = os.path.join(ROOT, ".build", "supysonic-venv")
CACHE = os.path.join(ROOT, ".build", "bench-subsonic")
# Bump when make_library writes different files: the cached folders and supysonic's database are keyed by it.
GENERATOR = 1
CONNECTIONS = 16
WALK_PAGE = 500
ENDPOINTS = ("getAlbumList2", "search3", "getAlbum")
# Eleven songs on both servers: supysonic matches the title's text, we match every word in any of title, artist,
# album and genre (as a prefix); the last album's number is no artist's, and that album holds the same songs.
SEARCH = f"Tune {TRACKS // 10 - 1}"


def id3_tag(frames):
    """An ID3v2.3 tag of text frames (ISO-8859-1)."""
    body = b"".join(name.encode() + struct.pack(">I", len(text) + 1) + b"\0\0\0" + text.encode("latin-1")
                    for name, text in frames)
    size = len(body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + syncsafe + body


def make_library(first, count):
    """Tracks first..first+count-1 as files <folder>/<artist>/<album>/NN.mp3, one short MP3's frames under every
    tag; the folder is kept under CACHE and made only when missing."""
    folder = os.path.join(CACHE, f"music-v{GENERATOR}-{first}-{count}")
    if os.path.exists(folder + ".complete"):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with tempfile.TemporaryDirectory() as scratch:
        wav, mp3 = os.path.join(scratch, "t.wav"), os.path.join(scratch, "t.mp3")
        subprocess.run(["sox", "-n", "-r", "44100", "-c", "1", wav, "synth", "0.2", "sine", "440"], check=True)
        subprocess.run(["lame", "--quiet", "-b", "64", wav, mp3], check=True)
        frames = open(mp3, "rb").read()
    for index in range(first, first + count):
        album, number = divmod(index, 10)
        artist = album // 2
        directory = os.path.join(folder, f"Artist {artist}", f"Album {album}")
        os.makedirs(directory, exist_ok=True)
        tag = id3_tag([("TIT2", f"Tune {index}"), ("TPE1", f"Artist {artist}"), ("TALB", f"Album {album}"),
                       ("TCON", f"Genre {album % 10}"), ("TYER", str(1970 + album % 50)), ("TRCK", str(number + 1))])
        with open(os.path.join(directory, f"{number + 1:02d}.mp3"), "wb") as out:
            out.write(tag + frames)
    open(folder + ".complete", "w").close()
    return folder


def call(url, payload=None, token=None):
    request = urllib.request.Request(url, data=json.dumps(payload).encode() if payload is not None else None)
    if payload is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read() or b"null")


def duradora_binary():
    binary = os.environ.get("DURADORA_BINARY") or os.path.join(ROOT, ".build/release/duradora")
    if not os.path.exists(binary):
        raise SystemExit("build first: swift build -c release --product duradora")
    return binary


def serve_duradora(work, command_prefix=(), binary=None, start_seconds=30):
    """`duradora serve` on the data under `work` (a new port each time); returns (process, base URL)."""
    port = free_port()
    config = os.path.join(work, "duradora.toml")
    with open(config, "w") as f:
        f.write(f'[server]\nhost = "127.0.0.1"\nport = {port}\n[storage]\ndatabase = "{work}/d/duradora.sqlite3"\n'
                f'uploads = "{work}/d/uploads"\n[log]\nlevel = "warning"\n[auth]\npassword_hash_cost = "min"\n'
                '[auth.bootstrap_admin]\nusername = "bench"\npassword = "benchpassword"\n')
    process = subprocess.Popen([*command_prefix, binary or duradora_binary(), "serve", "--config", config], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(port, timeout=start_seconds)
    return process, f"http://127.0.0.1:{port}"


def start_duradora(work, folders):
    """Our release build with `folders` imported; returns (process, base URL, auth query)."""
    process, base = serve_duradora(work, ["taskset", "-c", SERVER_CPU])
    token = call(base + "/api/v1/auth/login", {"username": "bench", "password": "benchpassword"})["access_token"]
    started = time.monotonic()
    added = 0
    for folder in folders:
        scan = call(base + "/api/v1/library/scans", {"path": folder}, token)
        while scan["state"] not in ("finished", "failed"):
            time.sleep(0.5)
            scan = call(f"{base}/api/v1/library/scans/{scan['id']}", token=token)
        added += scan.get("added") or 0
    print(f"duradora imported {added} tracks in {time.monotonic() - started:.1f} s", flush=True)
    password = call(base + "/api/v1/auth/app-passwords", {"name": "bench"}, token)["password"]
    return process, base, {"u": "bench", "p": password}


def start_supysonic(music):
    """supysonic from PyPI (venv under .build) with the same files scanned, its database kept under CACHE for the
    next run; returns (process, base URL, auth)."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python) or subprocess.run([python, "-c", "import supysonic, waitress"],
                                                     capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "supysonic", "waitress"], check=True)
    home = music + "-supysonic"
    if not os.path.exists(home + ".complete"):
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(home)
        with open(os.path.join(home, "supysonic.conf"), "w") as f:
            f.write(f"[base]\ndatabase_uri = sqlite:///{home}/supysonic.db\n[webapp]\ncache_dir = {home}/cache\n"
                    "log_level = WARNING\n[daemon]\nsocket = " + os.path.join(home, "daemon.sock") + "\n")
        cli = os.path.join(VENV, "bin", "supysonic-cli")
        started = time.monotonic()
        for arguments in (["user", "add", "bench", "-p", "benchpassword"], ["folder", "add", "music", music],
                          ["folder", "scan", "music"]):
            subprocess.run([cli] + arguments, cwd=home, check=True, capture_output=True)
        print(f"supysonic imported its library in {time.monotonic() - started:.1f} s (kept for the next run)")
        open(home + ".complete", "w").close()
    port = free_port()
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU, os.path.join(VENV, "bin", "supysonic-server"),
                                "-S", "waitress", "-h", "127.0.0.1", "-p", str(port), "--threads", "4"], cwd=home,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(port, timeout=60)
    return process, f"http://127.0.0.1:{port}", {"u": "bench", "p": "benchpassword"}


def rest_url(base, method, auth, **params):
    query = urllib.parse.urlencode({**auth, "v": "1.16.1", "c": "bench", "f": "json", **params})
    return f"{base}/rest/{method}.view?{query}"


def answer(url, key):
    document = call(url)["subsonic-response"]
    if document["status"] != "ok":
        raise SystemExit(f"{url}: {document}")
    return document[key]


def urls(base, auth):
    """The measured calls: a page of 50 albums by name, a song search, one album (the same one on both servers)."""
    listed = answer(rest_url(base, "getAlbumList2", auth, type="alphabeticalByName", size=1, offset=TRACKS // 40),
                    "albumList2")
    album = listed["album"][0]["id"]
    return {"getAlbumList2": rest_url(base, "getAlbumList2", auth, type="alphabeticalByName", size=50,
                                      offset=TRACKS // 50),
            "search3": rest_url(base, "search3", auth, query=SEARCH, artistCount=20, albumCount=20, songCount=20),
            "getAlbum": rest_url(base, "getAlbum", auth, id=album)}


def items(calls):
    """What the calls answer, in terms both servers share (names and titles, not ids)."""
    albums = answer(calls["getAlbumList2"], "albumList2").get("album", [])
    found = answer(calls["search3"], "searchResult3")
    album = answer(calls["getAlbum"], "album")
    return {"getAlbumList2": [a["name"] for a in albums],
            "search3": sorted(s["title"] for s in found.get("song", [])) + sorted(a["name"] for a in found.get("album", [])),
            "getAlbum": [album["name"]] + [s["title"] for s in album.get("song", [])]}


def measure(calls):
    return {name: wrk(url, CONNECTIONS) for name, url in calls.items()}


def one_connection(calls, count=300):
    """p50 and p99 (ms) of each call made `count` times in turn on one keep-alive connection: the latency of a
    request, where wrk's 16 connections on one server core measure mostly their own queue."""
    results = {}
    for name, url in calls.items():
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.netloc, timeout=60)
        times = []
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", f"{parts.path}?{parts.query}")
            connection.getresponse().read()
            times.append((time.perf_counter() - started) * 1000)
        connection.close()
        times.sort()
        results[name] = (times[len(times) // 2], times[len(times) * 99 // 100])
    return results


def walk(base, auth, expected):
    """Every song through empty-query search3 pages of WALK_PAGE; returns the page times in ms."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    times, seen, offset, returned = [], set(), 0, 0
    while True:
        path = urllib.parse.urlsplit(rest_url(base, "search3", auth, query='""', artistCount=0, albumCount=0,
                                              songCount=WALK_PAGE, songOffset=offset))
        started = time.perf_counter()
        connection.request("GET", f"{path.path}?{path.query}")
        body = connection.getresponse().read()
        times.append((time.perf_counter() - started) * 1000)
        songs = json.loads(body)["subsonic-response"]["searchResult3"].get("song", [])
        if not songs:
            break
        seen.update(song["id"] for song in songs)
        returned += len(songs)
        offset += WALK_PAGE
    connection.close()
    if len(seen) != expected or returned != expected:
        raise SystemExit(f"the walk returned {returned} songs, {len(seen)} distinct, expected {expected}")
    return times


def compare():
    music = make_library(0, TRACKS)
    measured, peaks, answers = {}, {}, {}
    with tempfile.TemporaryDirectory(prefix="bench-subsonic-") as work:
        for name in ("duradora", "supysonic"):
            process, base, auth = start_duradora(work, [music]) if name == "duradora" else start_supysonic(music)
            try:
                calls = urls(base, auth)
                answers[name] = items(calls)
                measured[name] = measure(calls)
                if name == "duradora":
                    alone = one_connection(calls)
                peaks[name] = peak_rss_mb([process.pid])
            finally:
                process.terminate()
                process.wait(timeout=30)
    for endpoint in ENDPOINTS:
        if answers["duradora"][endpoint] != answers["supysonic"][endpoint]:
            raise SystemExit(f"{endpoint}: the servers answer different items:\n  duradora  "
                             f"{answers['duradora'][endpoint]}\n  supysonic {answers['supysonic'][endpoint]}")
    print(f"\nSubsonic API, {TRACKS} tracks, {CONNECTIONS} connections, {DURATION} per run "
          f"(server on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU}); both servers answered the same items")
    print(f"{'endpoint':<14}{'server':<11}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for endpoint in ENDPOINTS:
        for name in ("duradora", "supysonic"):
            r = measured[name][endpoint]
            print(f"{endpoint:<14}{name:<11}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}")
        ratio = measured["duradora"][endpoint]["rps"] / max(measured["supysonic"][endpoint]["rps"], 0.001)
        print(f"{'':<14}{'ratio':<11}{ratio:>9.1f}x  (goal >= 20x, duradora p50 < 1 ms)")
    print("duradora, one connection, one request at a time: " + ", ".join(
        f"{name} p50 {p50:.2f} / p99 {p99:.2f} ms" for name, (p50, p99) in alone.items()) + "  (goal p50 < 1 ms)")
    print(f"peak RSS: duradora {peaks['duradora']:.0f} MB, supysonic {peaks['supysonic']:.0f} MB", flush=True)


def big_walk():
    folders = [make_library(0, TRACKS), make_library(TRACKS, BIG_TRACKS - TRACKS)]
    with tempfile.TemporaryDirectory(prefix="bench-subsonic-big-") as work:
        process, base, auth = start_duradora(work, folders)
        try:
            times = walk(base, auth, BIG_TRACKS)
        finally:
            process.terminate()
            process.wait(timeout=30)
    pages = sorted(times[:-1])  # the last one is the empty page that ends the walk
    print(f"\nempty-query search3 walk, {BIG_TRACKS} tracks, {len(pages)} pages of {WALK_PAGE} songs (JSON), "
          f"one connection: ms per page p50 {pages[len(pages) // 2]:.2f}, p99 "
          f"{pages[min(len(pages) - 1, int(len(pages) * 0.99))]:.2f}, max {pages[-1]:.2f}  (goal < 20 ms); "
          f"whole walk {sum(times) / 1000:.2f} s")


def instructions():
    """Instructions per request of each call under callgrind, the library imported beforehand at full speed."""
    music = make_library(0, TRACKS)
    with tempfile.TemporaryDirectory(prefix="bench-subsonic-callgrind-") as work:
        process, base, auth = start_duradora(work, [music])
        calls = urls(base, auth)
        process.terminate()
        process.wait(timeout=30)
        calls.update({
            "getAlbumList2 (xml)": calls["getAlbumList2"].replace("f=json", "f=xml"),
            f"search3 empty query, {WALK_PAGE} songs": rest_url(base, "search3", auth, query='""', artistCount=0,
                                                                albumCount=0, songCount=WALK_PAGE, songOffset=0),
            "ping (auth and envelope)": rest_url(base, "ping", auth)})
        # Valgrind 3.19 cannot read the toolchain's DWARF 5 (see bench/callgrind.py): a copy without debug info.
        stripped = os.path.join(work, "duradora-stripped")
        subprocess.run(["objcopy", "--strip-debug", duradora_binary(), stripped], check=True)
        # BENCH_CALLGRIND_OUT keeps the dumps (one per call, in the order printed) for callgrind_annotate.
        out = os.environ.get("BENCH_CALLGRIND_OUT") or os.path.join(work, "callgrind.out")
        process, base = serve_duradora(work, ["valgrind", "--tool=callgrind", "--fair-sched=yes",
                                              f"--callgrind-out-file={out}"], binary=stripped, start_seconds=600)
        print(f"\ninstructions per request under callgrind ({TRACKS} tracks, {CALLS} calls each, JSON unless said)")
        try:
            for label, url in calls.items():
                split = urllib.parse.urlsplit(url)
                path = f"{split.path}?{split.query}"
                connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=600)

                def get():
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                    if response.status != 200 or b'"failed"' in body or b'status="failed"' in body:
                        raise SystemExit(f"{label}: {body[:300]!r}")

                for _ in range(min(20, CALLS)):
                    get()
                subprocess.run(["callgrind_control", "-z", str(process.pid)], capture_output=True, check=True)
                for _ in range(CALLS):
                    get()
                before = set(glob.glob(out + "*"))
                subprocess.run(["callgrind_control", "-d", str(process.pid)], capture_output=True, check=True)
                total = sum(dump_total(name) for name in set(glob.glob(out + "*")) - before)
                connection.close()
                print(f"  {label:<34}{total / CALLS:>14,.0f}", flush=True)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=300)


def main():
    if "--callgrind" in sys.argv[1:]:
        return instructions()
    compare()
    if BIG_TRACKS > TRACKS:
        big_walk()


if __name__ == "__main__":
    main()
