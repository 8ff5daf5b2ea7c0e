#!/usr/bin/env python3
"""Real Subsonic clients against a real `duradora serve` (run by `make test` after `swift build --build-tests`).

Seeds a server (an admin with an app password, a user, a few tagged tracks, one of them private), then:
  1. validates the JSON answer of every implemented endpoint against the OpenSubsonic JSON schemas
     (Tests/Fixtures/subsonic/openapi via bundle_openapi.py, or $SUBSONIC_REFERENCE) and the XML answer against the
     Subsonic 1.16.0 XSD relaxed as client-requirements.md says (OpenSubsonic attributes allowed);
  2. walks it with py-sonic (POST form, token auth, True/False booleans, legacy enc: auth), py-opensonic (strict
     dataclasses; token and apiKey) and knuckles (GET, no `.view`): ping, search, browse, playlists, star, scrobble,
     stream (MP3 bytes), each checked against what the REST API then shows (favourites, history).
Python packages live in a venv under .build, installed from PyPI only when missing.
"""
import asyncio
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "subsonic-venv")
PACKAGES = ["py-sonic", "py-opensonic", "knuckles", "jsonschema", "rfc3339-validator", "lxml"]
MODULES = "import libsonic, libopensonic, knuckles, jsonschema, rfc3339_validator, lxml"
# The OpenSubsonic OpenAPI bundle (with its LICENSE) and the XSD: $SUBSONIC_REFERENCE, else the copy kept in the
# repository (Tests/Fixtures/subsonic), so a fresh clone checks against them with nothing else around.
REFERENCE = next((path for path in (os.environ.get("SUBSONIC_REFERENCE"),
                                    os.path.join(ROOT, "Tests", "Fixtures", "subsonic"))
                  if path and os.path.exists(os.path.join(path, "bundle_openapi.py"))), None)
# OpenSubsonic additions the 1.16.0 XSD does not know, removed before validating (client-requirements.md §2B).
OS_CHILDREN = {"genres", "artists", "albumArtists", "contributors", "replayGain", "moods", "isrc", "recordLabels",
               "releaseTypes", "discTitles", "originalReleaseDate", "releaseDate"}


def in_venv():
    """Re-runs this script with the venv's Python, creating the venv first when a package is missing."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if subprocess.run([python, "-c", MODULES], capture_output=True).returncode != 0 if os.path.exists(python) else True:
        print(f"installing {' '.join(PACKAGES)} into {VENV}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check"]
                       + PACKAGES, check=True)
    os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])


def fail(message):
    print(f"subsonic-check FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def ok(message):
    print(f"subsonic-check ok: {message}")


class Server:
    """`duradora serve` on a free port with its data in a temporary directory."""

    def __init__(self, work):
        binary = os.environ.get("DURADORA_BINARY") or os.path.join(
            subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.strip(), "duradora")
        if not os.access(binary, os.X_OK):
            fail(f"{binary} not built; run swift build first")
        config = os.path.join(work, "config.toml")
        with open(config, "w") as fh:
            fh.write('[server]\nhost = "127.0.0.1"\nport = 0\n[auth]\npassword_hash_cost = "min"\n'
                     '[auth.bootstrap_admin]\nusername = "root"\npassword = "rootpassword"\n')
        self.log_path = os.path.join(work, "server.log")
        self.process = subprocess.Popen([binary, "serve", "--config", config], stderr=open(self.log_path, "w"))
        for _ in range(200):
            match = re.search(r"msg=listening address=127\.0\.0\.1:(\d+)", open(self.log_path).read())
            if match:
                self.port = int(match.group(1))
                self.base = f"http://127.0.0.1:{self.port}"
                return
            if self.process.poll() is not None:
                fail("duradora serve exited at start:\n" + open(self.log_path).read())
            asyncio.run(asyncio.sleep(0.05))
        fail("duradora serve did not report its port")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)

    def call(self, method, path, body=None, token=None, content_type="application/json"):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        if body is not None:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()

    def json(self, method, path, payload=None, token=None):
        status, _, body = self.call(method, path, json.dumps(payload).encode() if payload is not None else None, token)
        return status, json.loads(body) if body else None

    def rest(self, endpoint, params):
        """GET /rest/<endpoint> with `params`; returns (content type, body bytes)."""
        query = urllib.parse.urlencode(params, doseq=True)
        with urllib.request.urlopen(f"{self.base}/rest/{endpoint}?{query}") as response:
            if response.status != 200:
                fail(f"{endpoint} answered HTTP {response.status}")
            return response.headers.get("Content-Type", ""), response.read()


def seed(server, work):
    """An admin and a user, four tracks (generated with sox) and an app password each."""
    _, login = server.json("POST", "/api/v1/auth/login", {"username": "root", "password": "rootpassword"})
    root = login["access_token"]
    _, alice = server.json("POST", "/api/v1/users", {"username": "alice", "password": "alicepassword"})
    wav = os.path.join(work, "tone.wav")
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", "-b", "16", wav, "synth", "1.5", "sine", "440"], check=True)
    audio = open(wav, "rb").read()
    tracks = [("Alpha", "The Testers", "First Light", "Rock", 2020, 1, "public", root),
              ("Beta", "The Testers", "First Light", "Rock", 2020, 2, "public", root),
              ("Gamma & <Friends>", "Solo Act", "Alone", "Jazz", 1999, 1, "public", root),
              ("Hidden", "Alice", "Drafts", "Demo", 2024, 1, "private", alice["access_token"])]
    ids = {}
    for title, artist, album, genre, year, number, visibility, token in tracks:
        query = urllib.parse.urlencode({"title": title, "artist": artist, "album": album, "genre": genre,
                                        "year": year, "track_number": number, "visibility": visibility})
        status, _, body = server.call("POST", "/api/v1/tracks?" + query, audio, token, "audio/wav")
        if status != 201:
            fail(f"upload of {title}: HTTP {status}")
        ids[title] = json.loads(body)["id"]
    server.root_token = root
    _, made = server.json("POST", "/api/v1/auth/app-passwords", {"name": "subsonic-check"}, root)
    _, made_alice = server.json("POST", "/api/v1/auth/app-passwords", {"name": "subsonic-check"}, alice["access_token"])
    return ids, made["password"], made_alice["password"]


def relaxed_xsd():
    """The 1.16.0 XSD with `anyAttribute` in every complex type, and PlayQueue@current a string (ids are strings
    everywhere else in 1.16 and in OpenSubsonic)."""
    from lxml import etree
    xs = "{http://www.w3.org/2001/XMLSchema}"
    tree = etree.parse(os.path.join(REFERENCE, "subsonic-rest-api-1.16.0.xsd"))
    for complex_type in tree.iter(xs + "complexType"):
        target = complex_type.find(f"{xs}complexContent/{xs}extension")
        target = complex_type if target is None else target
        if target.find(xs + "anyAttribute") is None:
            etree.SubElement(target, xs + "anyAttribute", processContents="lax")
    for attribute in tree.iter(xs + "attribute"):
        if attribute.get("name") == "current":
            attribute.set("type", "xs:string")
    return etree.XMLSchema(tree)


def validate_all(server, ids, password):
    """Every implemented endpoint, as JSON against the OpenSubsonic schemas and as XML against the relaxed XSD."""
    import jsonschema
    from lxml import etree
    sys.path.insert(0, REFERENCE)
    import bundle_openapi
    spec = bundle_openapi.bundle(os.path.join(REFERENCE, "openapi"))
    schema = relaxed_xsd()
    auth = {"u": "root", "p": password, "v": "1.16.1", "c": "subsonic-check"}
    _, artists = server.rest("getArtists", {**auth, "f": "json"})
    index = json.loads(artists)["subsonic-response"]["artists"]["index"]
    artist_id = index[0]["artist"][0]["id"]
    _, song = server.rest("getSong", {**auth, "f": "json", "id": ids["Alpha"]})
    album_id = json.loads(song)["subsonic-response"]["song"]["albumId"]
    _, created = server.rest("createPlaylist", {**auth, "f": "json", "name": "Validated", "songId": [ids["Alpha"]]})
    playlist_id = json.loads(created)["subsonic-response"]["playlist"]["id"]
    server.rest("savePlayQueue", {**auth, "id": [ids["Alpha"], ids["Beta"]], "current": ids["Beta"], "position": 10})
    # Stars, a rating and plays first, so the lists below have something in them to validate.
    server.rest("star", {**auth, "id": ids["Alpha"], "albumId": album_id, "artistId": artist_id})
    server.rest("setRating", {**auth, "id": ids["Alpha"], "rating": 4})
    server.rest("scrobble", {**auth, "id": ids["Beta"], "submission": "true"})
    server.rest("scrobble", {**auth, "id": ids["Alpha"], "submission": "false"})
    calls = [("ping", {}), ("getLicense", {}), ("getOpenSubsonicExtensions", {}), ("tokenInfo", {}),
             ("getMusicFolders", {}), ("getIndexes", {}), ("getArtists", {}), ("getArtist", {"id": artist_id}),
             ("getAlbum", {"id": album_id}), ("getMusicDirectory", {"id": artist_id}),
             ("getMusicDirectory", {"id": album_id}), ("getSong", {"id": ids["Alpha"]}), ("getGenres", {}),
             ("getSongsByGenre", {"genre": "Rock"}), ("getRandomSongs", {"size": 5}),
             ("search2", {"query": "alpha"}), ("search3", {"query": '""'}), ("search3", {"query": "nothing-matches"}),
             ("getPlaylists", {}), ("getPlaylist", {"id": playlist_id}), ("getPlayQueue", {}),
             ("getArtistInfo2", {"id": artist_id}), ("getAlbumInfo2", {"id": album_id}),
             ("getArtistInfo", {"id": artist_id}), ("getAlbumInfo", {"id": album_id}),
             ("getLyrics", {"artist": "The Testers", "title": "Alpha"}), ("getLyricsBySongId", {"id": ids["Alpha"]}),
             ("getUser", {"username": "root"}), ("getUsers", {}), ("getSong", {"id": "no-such-id"}),
             ("stream", {"id": "no-such-id"}), ("getCoverArt", {"id": "pl-" + playlist_id}),
             ("getStarred", {}), ("getStarred2", {}), ("getNowPlaying", {}), ("getScanStatus", {}),
             ("star", {"id": ids["Beta"]}), ("unstar", {"id": ids["Beta"]}), ("setRating", {"id": ids["Beta"], "rating": 0}),
             ("scrobble", {"id": ids["Gamma & <Friends>"]}), ("startScan", {}),
             ("createShare", {"id": [ids["Alpha"], album_id], "description": "validated",
                              "expires": int((datetime.datetime.now().timestamp() + 3600) * 1000)}),
             ("getShares", {})]
    kinds = ("newest", "random", "alphabeticalByName", "alphabeticalByArtist", "frequent", "recent", "highest", "starred")
    calls += [(endpoint, {"type": kind}) for kind in kinds for endpoint in ("getAlbumList", "getAlbumList2")]
    calls += [(endpoint, {"type": "byYear", "fromYear": 2030, "toYear": 1990}) for endpoint in ("getAlbumList", "getAlbumList2")]
    calls += [(endpoint, {"type": "byGenre", "genre": "Jazz"}) for endpoint in ("getAlbumList", "getAlbumList2")]
    xsd_unknown = {"getOpenSubsonicExtensions", "tokenInfo", "getLyricsBySongId"}  # OpenSubsonic-only: not in the 1.16.0 XSD
    for endpoint, params in calls:
        content_type, body = server.rest(endpoint, {**auth, **params, "f": "json"})
        if not content_type.startswith("application/json"):
            fail(f"{endpoint} f=json answered {content_type}")
        document = json.loads(body)
        # Binary endpoints document only their bytes: their error documents are checked as any envelope.
        # startScan fails here (no music folders are configured): its error document is checked the same way.
        schema_of = "ping" if endpoint in ("stream", "getCoverArt", "startScan") else endpoint
        validator = jsonschema.Draft4Validator(bundle_openapi.response_schema(spec, schema_of),
                                               format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(document), key=lambda e: e.path)
        if errors:
            deep = [c.message for e in errors for c in (e.context or [e])]
            fail(f"{endpoint} {params}: JSON does not match the OpenSubsonic schema: {deep[:5]}\n{body[:600]!r}")
        if endpoint in xsd_unknown:
            continue
        content_type, body = server.rest(endpoint, {**auth, **params})
        if not content_type.startswith("text/xml"):
            fail(f"{endpoint} (default f) answered {content_type}")
        xml = etree.fromstring(body, etree.XMLParser(remove_blank_text=True))
        for element in list(xml.iter()):
            if etree.QName(element).localname in OS_CHILDREN:
                element.getparent().remove(element)
        if not schema.validate(xml):
            fail(f"{endpoint} {params}: XML does not match the relaxed XSD: {schema.error_log.last_error}\n{body[:600]!r}")
    ok(f"{len(calls)} calls: JSON valid against the OpenSubsonic schemas, XML against the relaxed 1.16.0 XSD")


def is_mp3(data):
    return len(data) > 1000 and (data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0))


def walk_py_sonic(server, ids, password):
    import libsonic
    connection = libsonic.Connection("http://127.0.0.1", "root", password, port=server.port, appName="py-sonic")
    if not connection.ping():
        fail("py-sonic ping")
    if not libsonic.Connection("http://127.0.0.1", "root", password, port=server.port, legacyAuth=True).ping():
        fail("py-sonic ping with legacy enc: auth")
    found = connection.search3("", songCount=500)["searchResult3"]
    if len(found.get("song", [])) != 3:  # the library's rule: public tracks and root's own, not alice's private one
        fail(f"py-sonic search3 with an empty query found {len(found.get('song', []))} songs")
    gamma = ids["Gamma & <Friends>"]
    connection.star(sids=[gamma], albumIds=[], artistIds=[])
    connection.scrobble(gamma, submission=True)
    starred = [s["id"] for s in connection.getStarred2()["starred2"].get("song", [])]
    if gamma not in starred:
        fail(f"py-sonic getStarred2 misses the starred song: {starred}")
    favorites = server.json("GET", "/api/v1/me/favorites", token=server.root_token)[1]
    if gamma not in [t["id"] for t in favorites["tracks"]]:
        fail("py-sonic star is not in GET /api/v1/me/favorites")
    history = server.json("GET", "/api/v1/me/history", token=server.root_token)[1]
    if gamma not in [p["track"]["id"] for p in history["items"]]:
        fail("py-sonic scrobble is not in GET /api/v1/me/history")
    connection.unstar(sids=[gamma])
    for kind in ("frequent", "recent", "newest", "byYear"):
        extra = {"fromYear": 1990, "toYear": 2030} if kind == "byYear" else {}
        if not connection.getAlbumList2(kind, **extra)["albumList2"].get("album"):
            fail(f"py-sonic getAlbumList2 {kind} is empty")
    created = connection.createPlaylist(name="py-sonic", songIds=[ids["Alpha"], ids["Beta"]])["playlist"]
    connection.updatePlaylist(created["id"], name="py-sonic 2", songIndexesToRemove=[0])
    shown = connection.getPlaylist(created["id"])["playlist"]
    if shown["name"] != "py-sonic 2" or [e["title"] for e in shown["entry"]] != ["Beta"]:
        fail(f"py-sonic playlist edit: {shown}")
    if created["id"] not in [p["id"] for p in connection.getPlaylists()["playlists"]["playlist"]]:
        fail("py-sonic getPlaylists misses the new playlist")
    audio = connection.stream(ids["Gamma & <Friends>"]).read()
    if not is_mp3(audio):
        fail("py-sonic stream did not give MP3 bytes")
    connection.deletePlaylist(created["id"])
    try:
        connection.getSong("no-such-id")
        fail("py-sonic getSong of an unknown id did not raise")
    except libsonic.errors.DataNotFoundError:
        pass
    ok("py-sonic (POST form, token and enc: auth): ping, search3, star/getStarred2 = REST favourites, scrobble = "
       "REST history, getAlbumList2 types, playlists, stream, errors")


def walk_py_opensonic(server, ids, user_password, admin_password):
    from libopensonic import AsyncConnection

    async def walk(connection, label):
        try:
            if not await connection.ping():
                fail(f"py-opensonic {label} ping")
            names = {e.name for e in await connection.get_open_subsonic_extensions()}
            if names != {"formPost", "apiKeyAuthentication", "transcodeOffset", "songLyrics"}:
                fail(f"py-opensonic extensions: {names}")
            result = await connection.search3('""', song_count=500)
            titles = {s.title for s in result.song or []}
            # alice sees her own private track; root, an admin, lists only public tracks and his own (the library's rule)
            expected = {"Alpha", "Hidden"} if label == "apiKey" else {"Alpha"}
            if not expected <= titles or (label != "apiKey" and "Hidden" in titles):
                fail(f"py-opensonic {label} search3: {titles}")
            artists = await connection.get_artists()
            album = (await connection.get_album_list2("alphabeticalByName", size=5))[0]
            songs = (await connection.get_album(album.id)).song
            response = await connection.stream(songs[0].id, byte_range="bytes=10-")
            data = await response.read()
            if response.status != 206 or len(data) < 500:
                fail(f"py-opensonic {label} ranged stream: {response.status}, {len(data)} bytes")
            await connection.star(album_ids=[album.id])
            starred = await connection.get_starred2()
            if album.id not in [a.id for a in starred.album or []]:
                fail(f"py-opensonic {label} getStarred2 misses the starred album")
            await connection.unstar(album_ids=[album.id])
            await connection.scrobble(songs[0].id, submission=False)
            playing = await connection.get_now_playing()
            if songs[0].id not in [e.id for e in playing or []]:
                fail(f"py-opensonic {label} getNowPlaying misses the scrobbled song")
            for kind in ("random", "alphabeticalByArtist", "starred", "frequent", "recent", "highest"):
                await connection.get_album_list2(kind, size=5)
            await connection.get_scan_status()
            # Strict dataclasses over the info and lyrics answers (uploads carry no lyrics: an empty list).
            await connection.get_artist_info2(album.artist_id)
            await connection.get_album_info2(album.id)
            await connection.get_lyrics_by_song_id(songs[0].id)
            playlists = await connection.get_playlists()
            if label == "apiKey":
                info = await connection.token_info()
                if info.username != "alice":
                    fail(f"py-opensonic tokenInfo: {info}")
            return len(artists.index or []), len(playlists)
        finally:
            await connection.cleanup()

    asyncio.run(walk(AsyncConnection("http://127.0.0.1", "root", admin_password, port=server.port), "token"))
    asyncio.run(walk(AsyncConnection("http://127.0.0.1", api_key=user_password, port=server.port), "apiKey"))
    ok("py-opensonic (strict dataclasses; token and apiKey): extensions, search3, browse, star, getStarred2, "
       "now playing, album lists, scan status, artist/album info, lyrics, ranged stream, tokenInfo")


def walk_knuckles(server, ids, password):
    import knuckles
    subsonic = knuckles.Subsonic(f"127.0.0.1:{server.port}", "alice", password, "knuckles", use_https=False)
    subsonic.system.ping()
    found = subsonic.searching.search("alpha", song_count=10)
    if [s.title for s in found.songs] != ["Alpha"]:
        fail(f"knuckles search: {[s.title for s in found.songs]}")
    playlist = subsonic.playlists.create_playlist("knuckles", song_ids=[ids["Hidden"], ids["Alpha"]])
    if [s.title for s in subsonic.playlists.get_playlist(playlist.id).songs] != ["Hidden", "Alpha"]:
        fail("knuckles playlist songs")
    with urllib.request.urlopen(subsonic.media_retrieval.stream(ids["Hidden"])) as response:
        if not is_mp3(response.read()):
            fail("knuckles stream did not give MP3 bytes")
    subsonic.playlists.delete_playlist(playlist.id)
    subsonic.media_annotation.star_song(ids["Hidden"])
    subsonic.media_annotation.scrobble([ids["Hidden"]], [datetime.datetime.now()], submission=True)
    if ids["Hidden"] not in [s.id for s in subsonic.lists.get_starred().songs or []]:
        fail("knuckles get_starred misses the starred song")
    subsonic.media_annotation.unstar_song(ids["Hidden"])
    ok("knuckles (GET, bare paths): ping, search, playlists, stream, star, scrobble, getStarred2")


def main():
    in_venv()
    if REFERENCE is None:
        fail("no Subsonic reference folder (bundle_openapi.py, openapi/, the XSD): set SUBSONIC_REFERENCE")
    with tempfile.TemporaryDirectory(prefix="subsonic-check-") as work:
        server = Server(work)
        try:
            ids, admin_password, user_password = seed(server, work)
            validate_all(server, ids, admin_password)
            walk_py_sonic(server, ids, admin_password)
            walk_py_opensonic(server, ids, user_password, admin_password)
            walk_knuckles(server, ids, user_password)
            log = open(server.log_path).read()
            if admin_password in log or user_password in log:
                fail("an app password reached the server log")
        finally:
            server.stop()
    ok("all checks passed")


if __name__ == "__main__":
    main()
