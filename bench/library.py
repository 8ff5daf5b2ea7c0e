#!/usr/bin/env python3
"""`make bench`, library half: folder import, unchanged rescan, memory and browse latency of the real server.

1. A generated folder of BENCH_FILES (default 20 000) tagged files — one tiny encoded MP3 and one tiny FLAC, copied
   with rewritten tags by our own few lines below (ID3v2.3 frames, a FLAC VORBIS_COMMENT block), a cover.jpg per
   album folder — then `duradora import` of it (files/s, goal >= 500) and a rescan with nothing changed
   (files/s, goal >= 20 000).
   Reference, same run, same files: a minimal scanner in Python (walk, stat, read each file's first 4 KiB, one
   sqlite3 row per file in 200-row transactions: the floor of reading a folder into SQLite, without parsing tags,
   grouping or covers) and, for the rescan, walk + stat alone (what an unchanged rescan cannot go below).
2. More files up to BENCH_TRACKS (default 100 000) in the library, then `duradora serve`: RSS (goal < 64 MB) and
   p50/p99 of `GET /api/v1/albums?limit=50` (anonymous and signed in, by name and by newest), an album page and an
   artist page (goal p99 < 5 ms), BENCH_REQUESTS each, one keep-alive connection. Reference: `GET /health` (answered
   on the event loop without the database) on the same connection, the floor of a request here.
Absolute figures depend on the machine (ours: a shared 2-core box); compare the ratios.
BENCH_KEEP=1 keeps the working directory (and its database, for sqlite3 timings of the queries) and prints its path.
"""
import http.client, json, os, random, shutil, sqlite3, struct, subprocess, sys, tempfile, time

from encode import BINARY, rss_mb, start_app

FILES = int(os.environ.get("BENCH_FILES", "20000"))
TRACKS = int(os.environ.get("BENCH_TRACKS", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "500"))
TRACKS_PER_ALBUM = 10
ALBUMS_PER_ARTIST = 5
GENRES = ["Rock", "Jazz", "Folk", "Pop", "Noise", "Ambient", "Blues", "Soul"]


def id3_frame(frame_id, text):
    body = b"\x03" + text.encode("utf-8")  # encoding 3: UTF-8
    return frame_id.encode() + struct.pack(">I", len(body)) + b"\x00\x00" + body


def id3_tag(fields):
    frames = b"".join(id3_frame(k, v) for k, v in fields.items())
    size = len(frames)
    synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + synchsafe + frames


def flac_with_comments(flac, comments):
    """`flac` (bytes of a FLAC file) with its VORBIS_COMMENT block replaced by `comments`."""
    assert flac[:4] == b"fLaC"
    blocks, offset = [], 4
    while True:
        header = flac[offset]
        length = int.from_bytes(flac[offset + 1:offset + 4], "big")
        kind, last = header & 0x7F, header & 0x80
        if kind != 4:
            blocks.append((kind, flac[offset + 4:offset + 4 + length]))
        offset += 4 + length
        if last:
            break
    vendor = b"bench"
    entries = [f"{k}={v}".encode() for k, v in comments.items()]
    body = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(entries))
    body += b"".join(struct.pack("<I", len(e)) + e for e in entries)
    blocks.insert(1, (4, body))
    out = bytearray(b"fLaC")
    for index, (kind, data) in enumerate(blocks):
        out.append(kind | (0x80 if index == len(blocks) - 1 else 0))
        out += len(data).to_bytes(3, "big") + data
    return bytes(out) + flac[offset:]


def seeds(workdir):
    wav, mp3, flac = (os.path.join(workdir, f"seed.{e}") for e in ("wav", "mp3", "flac"))
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "1", "-b", "16", wav, "synth", "0.2", "sine", "440"], check=True)
    subprocess.run(["lame", "--quiet", "-b", "32", wav, mp3], check=True)
    subprocess.run(["sox", wav, flac], check=True)
    cover = os.path.join(workdir, "cover.jpg")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=120x120", "-frames:v", "1",
                    cover], check=True)
    with open(mp3, "rb") as f:
        mp3_bytes = f.read()
    with open(flac, "rb") as f:
        flac_bytes = f.read()
    with open(cover, "rb") as f:
        cover_bytes = f.read()
    return mp3_bytes, flac_bytes, cover_bytes


def generate(root, first, count, mp3, flac, cover):
    """Files `first` ..< `first + count` of the library: artist / album / track, every tenth file a FLAC."""
    for n in range(first, first + count):
        album_index, track = divmod(n, TRACKS_PER_ALBUM)
        artist_index = album_index // ALBUMS_PER_ARTIST
        artist, album = f"Artist {artist_index:05d}", f"Album {album_index:06d}"
        folder = os.path.join(root, artist, album)
        if track == 0:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "cover.jpg"), "wb") as f:
                f.write(cover)
        title, genre, year = f"Song {n}", GENRES[album_index % len(GENRES)], str(1960 + album_index % 60)
        if n % 10 == 9:
            data = flac_with_comments(flac, {"TITLE": title, "ARTIST": artist, "ALBUM": album,
                                             "TRACKNUMBER": str(track + 1), "GENRE": genre, "DATE": year})
            name = f"{track + 1:02d}.flac"
        else:
            data = id3_tag({"TIT2": title, "TPE1": artist, "TALB": album, "TRCK": str(track + 1), "TCON": genre,
                            "TYER": year}) + mp3
            name = f"{track + 1:02d}.mp3"
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def reference_scan(root, database):
    """The floor: walk, stat, read 4 KiB, one row per file, 200 rows per transaction."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, head BLOB)")
    rows, count = [], 0
    start = time.perf_counter()
    for directory, _, names in os.walk(root):
        for name in names:
            if not name.endswith((".mp3", ".flac")):
                continue
            path = os.path.join(directory, name)
            info = os.stat(path)
            with open(path, "rb") as f:
                head = f.read(4096)
            rows.append((path, info.st_size, info.st_mtime_ns // 1_000_000, head))
            count += 1
            if len(rows) == 200:
                connection.executemany("INSERT INTO files VALUES (?, ?, ?, ?)", rows)
                connection.commit()
                rows.clear()
    connection.executemany("INSERT INTO files VALUES (?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()
    return count, time.perf_counter() - start


def reference_stat(root):
    start = time.perf_counter()
    count = 0
    for directory, _, names in os.walk(root):
        for name in names:
            os.stat(os.path.join(directory, name))
            count += 1
    return count, time.perf_counter() - start


def config_file(workdir):
    path = os.path.join(workdir, "import.toml")
    with open(path, "w") as f:
        f.write('[storage]\ndatabase = "data/duradora.sqlite3"\nuploads = "uploads"\n[log]\nlevel = "warning"\n')
    return path


def import_folder(workdir, folder):
    start = time.perf_counter()
    result = subprocess.run([BINARY, "import", folder, "--config", config_file(workdir)], cwd=workdir,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"import failed: {result.stderr}")
    return elapsed, result.stdout.strip()


def latencies(connection, path, token=None, count=REQUESTS):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    times = []
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status}")
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


def main():
    workdir = tempfile.mkdtemp(prefix="duradora-bench-library-")
    music = os.path.join(workdir, "music")
    try:
        mp3, flac, cover = seeds(workdir)
        start = time.perf_counter()
        generate(music, 0, FILES, mp3, flac, cover)
        print(f"generated {FILES} files in {time.perf_counter() - start:.1f} s")
        # Same page cache for both: the reference reads every file once before anyone is timed.
        reference_stat(music)

        seconds, summary = import_folder(workdir, music)
        ref_count, ref_seconds = reference_scan(music, os.path.join(workdir, "reference.sqlite3"))
        print(f"first import: {FILES / seconds:8.0f} files/s ({seconds:.2f} s; {summary})")
        print(f"  reference (walk+stat+4 KiB read+sqlite3 row): {ref_count / ref_seconds:8.0f} files/s;"
              f" ratio {seconds / ref_seconds:.2f}x  (goal >= 500 files/s)")
        seconds, summary = import_folder(workdir, music)
        stat_count, stat_seconds = reference_stat(music)
        print(f"unchanged rescan: {FILES / seconds:8.0f} files/s ({seconds:.2f} s; {summary})")
        print(f"  reference (walk+stat): {stat_count / stat_seconds:8.0f} files/s;"
              f" ratio {seconds / stat_seconds:.2f}x  (goal >= 20000 files/s)")

        if TRACKS > FILES:
            more = os.path.join(workdir, "more")
            generate(more, FILES, TRACKS - FILES, mp3, flac, cover)
            seconds, summary = import_folder(workdir, more)
            print(f"grew the library to {TRACKS} tracks ({seconds:.1f} s; {summary})")

        server, port, token = start_app(workdir, log_level="warning")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/api/v1/albums?limit=50")
            albums = json.loads(connection.getresponse().read())
            album = random.Random(1).choice(albums["items"])
            floor = latencies(connection, "/health")
            print(f"{TRACKS} tracks, {albums['total']} albums; ms p50/p99, and p99 / /health's p99:")
            print(f"  {'GET /health (reference)':44s} {floor[0]:6.2f} {floor[1]:6.2f}")
            for label, path, auth in [
                ("albums?limit=50 (anonymous)", "/api/v1/albums?limit=50", None),
                ("albums?limit=50 (signed in)", "/api/v1/albums?limit=50", token),
                ("albums?sort=newest&limit=50 (signed in)", "/api/v1/albums?sort=newest&limit=50", token),
                ("albums?sort=year&limit=50 (signed in)", "/api/v1/albums?sort=year&limit=50", token),
                ("artists?limit=50 (signed in)", "/api/v1/artists?limit=50", token),
                ("album page (signed in)", f"/api/v1/albums/{album['id']}", token),
                ("artist page (anonymous)", f"/api/v1/artists/{album['artist_id']}", None),
                ("artist page (signed in)", f"/api/v1/artists/{album['artist_id']}", token),
            ]:
                p50, p99 = latencies(connection, path, auth)
                print(f"  {label:44s} {p50:6.2f} {p99:6.2f}  {p99 / floor[1]:5.1f}x  (goal p99 < 5 ms)")
            connection.close()
            print(f"server RSS with {TRACKS} tracks: {rss_mb(server.pid):.1f} MB (goal < 64 MB)")
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
