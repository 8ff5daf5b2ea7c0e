#!/usr/bin/env python3
"""A real player on our Subsonic API: Mopidy with Mopidy-Subidy, driven through MPD with `mpc` (run by `make test`).

Seeds a `duradora serve` (scripts/duradora_server.py) with a few generated tracks and an app password, starts Mopidy
with Subidy pointed at it (audio to `fakesink sync=true`, so playback runs at real speed with no sound card), then
with `mpc`: browses Subidy's folders down to an album's songs (getArtists, getArtist, getAlbum), searches (search2), adds a
song, plays it and checks that it plays — `[playing]` with the elapsed time moving —, seeks, and checks that the
seek went to us as a Range request on `/rest/stream.view` (GStreamer's HTTP source, cleartext `p=`).

Debian: mopidy, mopidy-mpd, mpc, gstreamer1.0-plugins-good (Makefile MOPIDY_PACKAGES). PyPI: mopidy-subidy, in a
venv under .build made with --system-site-packages so that it sees Debian's Mopidy and GStreamer bindings.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duradora_server import ROOT, CheckFailed, Server, duradora_binary, log, stop_process, tail  # noqa: E402

VENV = os.path.join(ROOT, ".build", "mopidy-venv")
SYSTEM_PYTHON = "/usr/bin/python3"   # Debian's, whose site-packages hold mopidy and gi
SECONDS = 8                          # long enough to see the elapsed time move and to seek into


def venv_python():
    """The venv's Python, made (from PyPI) when mopidy_subidy is missing."""
    python = os.path.join(VENV, "bin", "python")
    probe = [python, "-c", "import mopidy, mopidy_mpd, mopidy_subidy, gi"]
    if not os.path.exists(python) or subprocess.run(probe, capture_output=True).returncode != 0:
        log(f"installing mopidy-subidy into {VENV}")
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--clear", "--system-site-packages", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "mopidy-subidy"], check=True)
    return python


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(server, work):
    """Three tracks of SECONDS seconds on two albums, and an app password for the admin; returns (ids, password)."""
    status, _, body = server.request("POST", "/api/v1/auth/login", json.dumps(
        {"username": "root", "password": "rootpassword"}), {"Content-Type": "application/json"})
    if status != 200:
        raise CheckFailed(f"login answered {status}: {body[:200]!r}")
    token = json.loads(body)["access_token"]
    bearer = {"Authorization": "Bearer " + token}
    ids = {}
    for title, artist, album, number, pitch in [("Morning Tide", "Harbour Lights", "Coastline", 1, 330),
                                                ("Evening Tide", "Harbour Lights", "Coastline", 2, 440),
                                                ("Night Train", "Rail Band", "Sleepers", 1, 550)]:
        wav = os.path.join(work, f"{pitch}.wav")
        subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", "-b", "16", wav, "synth", str(SECONDS), "sine",
                        str(pitch)], check=True)
        query = urllib.parse.urlencode({"title": title, "artist": artist, "album": album, "genre": "Ambient",
                                        "year": 2024, "track_number": number, "visibility": "public"})
        with open(wav, "rb") as handle:
            created = server.json("POST", "/api/v1/tracks?" + query, [201], handle.read(),
                                  dict(bearer, **{"Content-Type": "audio/wav"}))
        ids[title] = created["id"]
    made = server.json("POST", "/api/v1/auth/app-passwords", [201], json.dumps({"name": "mopidy"}),
                       dict(bearer, **{"Content-Type": "application/json"}))
    return ids, made["password"]


class Mopidy:
    """Mopidy with only MPD and Subidy enabled, its state and cache in `work`."""

    def __init__(self, python, work, url, password):
        self.port = free_port()
        self.log_path = os.path.join(work, "mopidy.log")
        config = os.path.join(work, "mopidy.conf")
        with open(config, "w") as handle:
            handle.write(f"""[core]
cache_dir = {work}/mopidy/cache
config_dir = {work}/mopidy/config
data_dir = {work}/mopidy/data
[logging]
verbosity = 1
[audio]
output = fakesink sync=true
mixer = none
[mpd]
hostname = 127.0.0.1
port = {self.port}
[subidy]
url = {url}
username = root
password = {password}
api_version = 1.16.1
[http]
enabled = false
[file]
enabled = false
[m3u]
enabled = false
[stream]
enabled = false
[softwaremixer]
enabled = false
""")
        environment = dict(os.environ, HOME=work, XDG_CONFIG_HOME=f"{work}/xdg", XDG_CACHE_HOME=f"{work}/xdg",
                           XDG_DATA_HOME=f"{work}/xdg")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen([python, "-m", "mopidy", "--config", config], cwd=work, env=environment,
                                        stdin=subprocess.DEVNULL, stdout=self.log_file, stderr=self.log_file)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CheckFailed(f"mopidy exited ({self.process.returncode}):\n{tail(self.log_path)}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise CheckFailed(f"mopidy's MPD server did not open port {self.port}:\n{tail(self.log_path)}")

    def mpc(self, *arguments):
        result = subprocess.run(["mpc", "--host", "127.0.0.1", "--port", str(self.port), *arguments],
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise CheckFailed(f"mpc {' '.join(arguments)}: {result.stderr.strip()}\n{tail(self.log_path)}")
        return result.stdout

    def elapsed(self):
        """(state, elapsed seconds) from `mpc status`, e.g. ('playing', 2)."""
        status = self.mpc("status")
        match = re.search(r"^\[(\w+)\]\s+#\d+/\d+\s+(\d+):(\d+)/", status, re.M)
        if not match:
            return None, None
        return match.group(1), int(match.group(2)) * 60 + int(match.group(3))

    def wait_for(self, what, predicate, timeout=15):
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.elapsed()
            if predicate(*state):
                return state
            time.sleep(0.25)
        raise CheckFailed(f"{what}: last status {state}\n{self.mpc('status')}\n{tail(self.log_path)}")

    def stop(self):
        stop_process(self.process)
        self.log_file.close()


def stream_lines(server, since):
    """The access-log lines of Subsonic stream requests written after byte offset `since`."""
    server.wait_for_idle(timeout=5)
    with open(server.log_path, errors="replace") as handle:
        handle.seek(since)
        return [line for line in handle.read().splitlines()
                if "msg=request" in line and "path=\"/rest/stream.view?" in line]


def check(server, mopidy, ids):
    # Browsing: MPD paths are names (Subidy's root folder is "Subsonic"); songs are listed by URI.
    artists = mopidy.mpc("ls", "Subsonic/Artists")
    if "Subsonic/Artists/Harbour Lights" not in artists or "Subsonic/Artists/Rail Band" not in artists:
        raise CheckFailed(f"mpc ls Subsonic/Artists (getArtists):\n{artists}")
    albums = mopidy.mpc("ls", "Subsonic/Artists/Harbour Lights")
    if albums.splitlines() != ["Subsonic/Artists/Harbour Lights/Coastline"]:
        raise CheckFailed(f"one artist's albums (getArtist):\n{albums}")
    songs = set(mopidy.mpc("ls", "Subsonic/Albums/Coastline").split())
    if songs != {f"subidy:song:{ids['Morning Tide']}", f"subidy:song:{ids['Evening Tide']}"}:
        raise CheckFailed(f"an album's songs (getAlbumList2, getAlbum):\n{songs}")
    log("mopidy-check ok: mpc ls walks artists, an artist's albums and an album's songs")
    # Searching goes to search2.
    found = set(mopidy.mpc("search", "any", "Tide").split())
    if found != {f"subidy:song:{ids['Morning Tide']}", f"subidy:song:{ids['Evening Tide']}"}:
        raise CheckFailed(f"mpc search any Tide (search2):\n{found}")
    log("mopidy-check ok: mpc search finds the two Tide songs and not the other")
    # Playing: GStreamer fetches /rest/stream.view itself; fakesink sync=true consumes it at real speed.
    mopidy.mpc("clear")
    mopidy.mpc("add", f"subidy:song:{ids['Morning Tide']}")
    current = mopidy.mpc("playlist")
    if "Morning Tide" not in current:
        raise CheckFailed(f"the queue after mpc add:\n{current}")
    since = server.log_size()
    mopidy.mpc("play")
    _, first = mopidy.wait_for("playing", lambda state, elapsed: state == "playing" and elapsed is not None)
    _, later = mopidy.wait_for("elapsed time advancing", lambda state, elapsed: state == "playing" and elapsed >= first + 2)
    log(f"mopidy-check ok: mpc play: [playing], elapsed {first}s -> {later}s")
    # Seeking forward past what was buffered: a new request with Range.
    mopidy.mpc("seek", str(SECONDS - 3))
    mopidy.wait_for("elapsed after the seek", lambda state, elapsed: state == "playing" and elapsed >= SECONDS - 3)
    mopidy.wait_for("the end of the song", lambda state, elapsed: state is None, timeout=SECONDS + 5)
    lines = stream_lines(server, since)
    if not lines or "status=200" not in lines[0] or not any("status=206" in line for line in lines[1:]):
        raise CheckFailed("stream requests (the whole song, then a Range for the seek):\n" + "\n".join(lines))
    log("mopidy-check ok: mpc seek: a Range request, answered 206, and the song plays to its end")


def main():
    binary = duradora_binary()
    if binary is None:
        sys.exit("mopidy-check: duradora is not built; run swift build first")
    python = venv_python()
    with tempfile.TemporaryDirectory(prefix="mopidy-check-") as work:
        server = Server(binary, work, "root", "rootpassword")
        mopidy = None
        try:
            ids, password = seed(server, work)
            mopidy = Mopidy(python, work, f"http://127.0.0.1:{server.port}", password)
            check(server, mopidy, ids)
            if password in open(server.log_path, errors="replace").read():
                raise CheckFailed("the app password reached the server log")
        except CheckFailed as error:
            print(f"mopidy-check FAILED: {error}", file=sys.stderr)
            sys.exit(1)
        finally:
            if mopidy:
                mopidy.stop()
            server.stop()
    log("mopidy-check: all checks passed")


if __name__ == "__main__":
    main()
