#!/usr/bin/env python3
"""Real browsers play and seek a track from a real `duradora serve` (run by `make test`; issue 5).

Starts the server with a temporary config, database and uploads directory, logs in the bootstrap admin and uploads
a 20-minute 440 Hz tone made with sox (encoded at 320 kbps: a 48 MB MP3) as a public track, then:
  1. mimics Safari's probe without a browser: `Range: bytes=0-1` must answer exactly 206 with
     `Content-Range: bytes 0-1/LEN`, `Content-Length: 2` and two body bytes (Safari refuses media otherwise);
  2. for each browser engine, opens a page from a small local HTTP server whose <audio> element plays the track's
     /stream URL (muted), waits for playback, seeks to 60 % of the duration, waits for `seeked` and for playback
     to pass the target, and checks `duration` against the track's `duration_seconds`; the page POSTs its result
     and event trace back here. Then the server's access log must show only 200/206/304 on the stream route, and
     a 206 after the browser's first request (the seek); for Chromium and Firefox their own network logs
     (--log-net-log, MOZ_LOG=nsHttp:3) must show an open-ended `Range: bytes=N-` (N > 0) answered with
     `Content-Range: bytes N-(LEN-1)/LEN`.

  3. the same for a 96 kbps transcode (`?max_bitrate=96`, issue 12) on its very first play: before each browser
     the cache is emptied with `duradora cache prune`, so the page's seek to 60 % is a `Range` request into a
     transcode that is still being made; it must be a 206 with `Content-Range: bytes N-(LEN-1)/LEN`, LEN being the
     transcode's exact length from a HEAD, and the browser must show the transcode's `X-Content-Duration`.
  4. the same for a 96 kbps Ogg Opus transcode (`?format=opus&max_bitrate=96`) in Chromium and Firefox.

The track is long so that the seek lands far beyond what a browser buffers from its first `bytes=0-` request
(Chromium and Firefox stop reading after a few MB, 7-10 MB sit in socket buffers); with a short file they would
serve the seek from their cache and never send a range request.

Browsers run headless with no WebDriver and nothing downloaded: Chromium with --headless=new, Firefox ESR with
--headless and a throw-away profile, and WebKitGTK's MiniBrowser (WebKit with GStreamer, not Safari's media stack)
on an Xvfb display. Chromium and Firefox are required; MiniBrowser is skipped with a message when it or Xvfb is
not installed. BROWSER_CHECK_BROWSERS=chromium,firefox,webkit picks a subset, BROWSER_CHECK_TARGETS=stored,mp3,opus
the files played; BROWSER_CHECK_TIMEOUT (seconds per
browser, default 90); BROWSER_CHECK_KEEP=1 keeps the temporary directory.

Binary under test: $DURADORA_BINARY, or `$(swift build --show-bin-path)/duradora`.
Prints one `browser-check ok: ...` line per passed check; on failure prints the page's event trace, the browser's
output, the stream requests the server logged and the server log tail, and exits 1.
"""
import glob
import http.client
import http.server
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACK_SECONDS = int(os.environ.get("BROWSER_CHECK_SECONDS", "1200"))  # see above: must outgrow browser buffers
PAGE_TIMEOUT = float(os.environ.get("BROWSER_CHECK_TIMEOUT", "90"))  # per browser; generous for a loaded CI box
ADMIN_USER, ADMIN_PASSWORD = "browsercheck", "browser-check-password"

from duradora_server import STREAM_ROUTE, CheckFailed, Server, duradora_binary, log, tail  # noqa: E402


def upload_tone(server, work):
    started = time.monotonic()
    wav = os.path.join(work, "tone.wav")
    # Mono 32 kHz keeps the WAV (77 MB) and the encode small; 320 kbps (config above) keeps the MP3 large.
    subprocess.run(["sox", "-n", "-r", "32000", "-c", "1", wav, "synth", str(TRACK_SECONDS), "sine", "440"],
                   check=True)
    token = server.json("POST", "/api/v1/auth/login", (200,),
                        json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD}),
                        {"Content-Type": "application/json"})["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    boundary = uuid.uuid4().hex
    head = b""
    for name, value in (("title", "Browser check tone"), ("artist", "Duradora"), ("visibility", "public")):
        head += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="tone.wav"\r\n'
             f'Content-Type: audio/wav\r\n\r\n').encode()
    tail_bytes = f"\r\n--{boundary}--\r\n".encode()

    def body():  # streamed, so the 77 MB WAV is never in memory at once
        yield head
        with open(wav, "rb") as handle:
            while chunk := handle.read(1 << 20):
                yield chunk
        yield tail_bytes

    length = len(head) + os.path.getsize(wav) + len(tail_bytes)
    track = server.json("POST", "/api/v1/tracks", (201, 202), body(),
                        {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}",
                         "Content-Length": str(length)})
    os.unlink(wav)
    deadline = time.monotonic() + 300
    while track.get("status") == "processing" and time.monotonic() < deadline:
        time.sleep(0.5)
        track = server.json("GET", f"/api/v1/tracks/{track['id']}", (200,), headers=auth)
    if track.get("status") != "ready":
        raise CheckFailed(f"uploaded track is not ready: {track}")
    if track.get("visibility") != "public":
        raise CheckFailed(f"uploaded track is not public: {track}")
    log(f"browser-check: uploaded a {track['duration_seconds']} s tone, {track['size_bytes']} bytes at "
        f"{track['bitrate']} kbps ({time.monotonic() - started:.1f}s with sox)")
    return track


def check_safari_probe(server, track):
    """Safari's first request for media is `Range: bytes=0-1`; anything but an exact 206 makes it give up."""
    path = f"/api/v1/tracks/{track['id']}/stream"
    status, headers, body = server.request("HEAD", path)
    length = int(dict((k.lower(), v) for k, v in headers).get("content-length", "-1"))
    if status != 200 or length != track["size_bytes"]:
        raise CheckFailed(f"HEAD {path}: {status}, Content-Length {length}, expected 200 and {track['size_bytes']}")
    status, headers, body = server.request("GET", path, headers={"Range": "bytes=0-1"})
    fields = {k.lower(): v for k, v in headers}
    problems = []
    if status != 206:
        problems.append(f"status {status}, expected 206")
    if fields.get("content-range") != f"bytes 0-1/{length}":
        problems.append(f"Content-Range {fields.get('content-range')!r}, expected 'bytes 0-1/{length}'")
    if fields.get("content-length") != "2":
        problems.append(f"Content-Length {fields.get('content-length')!r}, expected '2'")
    if len(body) != 2:
        problems.append(f"{len(body)} body bytes, expected 2")
    if fields.get("accept-ranges") != "bytes":
        problems.append(f"Accept-Ranges {fields.get('accept-ranges')!r}, expected 'bytes'")
    if not fields.get("content-type", "").startswith("audio/mpeg"):
        problems.append(f"Content-Type {fields.get('content-type')!r}, expected audio/mpeg")
    if problems:
        raise CheckFailed("Safari-style probe GET Range: bytes=0-1: " + "; ".join(problems))
    log(f"browser-check ok: Safari-style probe (Range: bytes=0-1) -> 206, Content-Range bytes 0-1/{length}, "
        f"Content-Length 2, 2 body bytes")


# ---------------------------------------------------------------- the test page and its result channel

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>duradora browser check</title></head>
<body>
<audio id="player" preload="metadata" muted src="__SRC__"></audio>
<script>
"use strict";
const RUN = "__RUN__", EXPECTED = __EXPECTED__;
const audio = document.getElementById("player");
audio.muted = true;
const start = performance.now();
const trace = [];
let done = false, seekTarget = null, seekedAt = null;
function t() { return ((performance.now() - start) / 1000).toFixed(2); }
function note(what) {
  if (trace.length < 400) trace.push(t() + "s " + what + " ct=" + audio.currentTime.toFixed(2) +
      " dur=" + audio.duration + " rs=" + audio.readyState + " ns=" + audio.networkState);
}
function report(ok, message) {
  if (done) return;
  done = true;
  note(ok ? "PASS " + message : "FAIL " + message);
  const error = audio.error ? {code: audio.error.code, message: audio.error.message} : null;
  const body = JSON.stringify({run: RUN, ok: ok, message: message, duration: audio.duration,
      currentTime: audio.currentTime, seekTarget: seekTarget, error: error, userAgent: navigator.userAgent,
      trace: trace});
  fetch("/result", {method: "POST", headers: {"Content-Type": "application/json"}, body: body})
      .catch(function (e) { document.title = "result post failed: " + e; });
}
["loadstart", "loadedmetadata", "loadeddata", "canplay", "canplaythrough", "play", "playing", "pause",
 "waiting", "stalled", "suspend", "seeking", "seeked", "ended", "emptied", "abort", "durationchange"
].forEach(function (name) { audio.addEventListener(name, function () { note(name); }); });
audio.addEventListener("error", function () {
  note("error");
  report(false, "media error " + (audio.error ? audio.error.code + " " + audio.error.message : "(none)"));
});
let lastTimeNote = -1;
audio.addEventListener("timeupdate", function () {
  if (Math.floor(audio.currentTime) !== lastTimeNote) { lastTimeNote = Math.floor(audio.currentTime); note("timeupdate"); }
  if (seekTarget === null && audio.currentTime > 0.5) {
    if (!isFinite(audio.duration)) { report(false, "duration is not finite: " + audio.duration); return; }
    if (Math.abs(audio.duration - EXPECTED) > 1) {
      report(false, "duration " + audio.duration + " differs from duration_seconds " + EXPECTED + " by more than 1 s");
      return;
    }
    seekTarget = Math.round(audio.duration * 0.6 * 100) / 100;
    note("seek to " + seekTarget);
    audio.currentTime = seekTarget;
  } else if (seekedAt !== null && audio.currentTime > seekTarget + 0.5) {
    report(true, "played past " + audio.currentTime.toFixed(2) + " after seeking to " + seekTarget);
  }
});
audio.addEventListener("seeked", function () {
  if (seekTarget === null) return;
  seekedAt = audio.currentTime;
  if (Math.abs(audio.currentTime - seekTarget) > 1) {
    report(false, "seeked to " + audio.currentTime + ", asked for " + seekTarget);
  }
});
audio.addEventListener("ended", function () {
  if (seekedAt === null) report(false, "ended before the seek completed");
});
function tryPlay(attempt) {
  note("play() attempt " + attempt);
  const promise = audio.play();
  if (promise && promise.catch) promise.catch(function (e) {
    note("play() rejected: " + e.name + " " + e.message);
    if (attempt < 5) setTimeout(function () { tryPlay(attempt + 1); }, 1000);
    else report(false, "play() rejected: " + e.name + " " + e.message);
  });
}
tryPlay(1);
// The script's own timeout is the real one; this reports the trace a little before it.
setTimeout(function () { report(false, "timed out in the page"); }, __PAGE_TIMEOUT_MS__);
</script></body></html>
"""


class ResultServer:
    """Serves /page?run=ID and receives POST /result; one threading.Event per run."""

    def __init__(self, work):
        self.pages, self.results, self.events = {}, {}, {}
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                page = owner.pages.get(query.get("run", [""])[0])
                if page is None:
                    self.send_error(404)
                    return
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(204)
                self.end_headers()
                try:
                    result = json.loads(data)
                except ValueError:
                    return
                run = result.get("run")
                if run in owner.events and run not in owner.results:
                    owner.results[run] = result
                    owner.events[run].set()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def new_run(self, src, expected_duration, timeout):
        run = uuid.uuid4().hex
        self.pages[run] = (PAGE.replace("__SRC__", src).replace("__RUN__", run)
                           .replace("__EXPECTED__", repr(float(expected_duration)))
                           .replace("__PAGE_TIMEOUT_MS__", str(int(max(timeout - 10, timeout * 0.8) * 1000))))
        self.events[run] = threading.Event()
        return run, f"http://127.0.0.1:{self.port}/page?run={run}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------- browsers

FIREFOX_PREFS = {
    "media.autoplay.default": 0,                 # allow audible and inaudible autoplay
    "media.autoplay.blocking_policy": 0,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "toolkit.telemetry.enabled": False,
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.normandy.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "browser.newtabpage.enabled": False,
    "browser.startup.page": 0,
    "browser.sessionstore.resume_from_crash": False,
    "toolkit.startup.max_resumed_crashes": -1,
    "network.proxy.type": 0,
}


def chromium_binary():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def chromium_command(profile, url, helpers):
    return [chromium_binary(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--autoplay-policy=no-user-gesture-required", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--mute-audio", "--disable-breakpad", "--disable-crash-reporter",
            f"--user-data-dir={profile}", f"--log-net-log={profile}/netlog.json", url], {}


def firefox_binary():
    return shutil.which("firefox-esr") or shutil.which("firefox")


def firefox_command(profile, url, helpers):
    with open(os.path.join(profile, "user.js"), "w") as handle:
        for name, value in FIREFOX_PREFS.items():
            handle.write(f"user_pref({json.dumps(name)}, {json.dumps(value)});\n")
    env = {"MOZ_HEADLESS": "1", "MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_DISABLE_AUTO_SAFE_MODE": "1",
           "MOZ_LOG": "nsHttp:3", "MOZ_LOG_FILE": f"{profile}/http.log"}
    return [firefox_binary(), "--headless", "--no-remote", "--new-instance", "--profile", profile, url], env


def minibrowser_binary():
    candidates = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"), reverse=True)
    return candidates[0] if candidates and shutil.which("Xvfb") else None


def start_xvfb(profile, helpers):
    """An Xvfb on a free display (-displayfd), appended to `helpers` so the caller stops it; returns ':N'."""
    read_end, write_end = os.pipe()
    log_file = open(os.path.join(profile, "xvfb.log"), "w")
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            pass_fds=(write_end,), stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                            start_new_session=True)
    helpers.append(xvfb)
    os.close(write_end)
    number = b""
    deadline = time.monotonic() + 30
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([read_end], [], [], 1)
        if ready:
            chunk = os.read(read_end, 16)
            if not chunk:
                break
            number += chunk
    os.close(read_end)
    if not number.strip().isdigit():
        raise CheckFailed(f"Xvfb did not report a display: {tail(log_file.name)}")
    return ":" + number.decode().strip()


def minibrowser_command(profile, url, helpers):
    display = start_xvfb(profile, helpers)
    return [minibrowser_binary(), "--private", "--autoplay-policy=allow",
            "--media-playback-requires-user-gesture=false", url], \
        {"DISPLAY": display, "HOME": profile, "XDG_CACHE_HOME": f"{profile}/cache",
         "XDG_DATA_HOME": f"{profile}/data", "XDG_CONFIG_HOME": f"{profile}/config",
         "XDG_RUNTIME_DIR": f"{profile}/run", "WEBKIT_DISABLE_COMPOSITING_MODE": "1"}


def chromium_ranges(profile):
    """(Range offsets sent open-ended, Content-Range triples received) from Chromium's --log-net-log file."""
    try:
        text = open(os.path.join(profile, "netlog.json"), errors="replace").read()
    except OSError:
        return None
    return ([int(n) for n in re.findall(r'"Range: bytes=(\d+)-"', text)],
            [tuple(map(int, m)) for m in re.findall(r'"Content-Range: bytes (\d+)-(\d+)/(\d+)"', text)])


def firefox_ranges(profile):
    """The same from Firefox's MOZ_LOG=nsHttp:3 files (request and response heads are logged line by line)."""
    text = ""
    for path in glob.glob(os.path.join(profile, "http.log*")):
        text += open(path, errors="replace").read()
    if not text:
        return None
    return ([int(n) for n in re.findall(r"nsHttp\s+Range: bytes=(\d+)-\s*$", text, re.M)],
            [tuple(map(int, m)) for m in re.findall(r"nsHttp\s+Content-Range: bytes (\d+)-(\d+)/(\d+)", text)])


# key, name, binary finder, command maker (may start helpers such as Xvfb), required, reader of the browser's own network log (None: the engine has none we read)
BROWSERS = [("chromium", "Chromium", chromium_binary, chromium_command, True, chromium_ranges),
            ("firefox", "Firefox ESR", firefox_binary, firefox_command, True, firefox_ranges),
            ("webkit", "WebKitGTK MiniBrowser", minibrowser_binary, minibrowser_command, False, None)]


def stop_group(process):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass


def stored_target(server, track):
    """What a browser plays: the stored file."""
    return {"label": "", "query": "", "length": track["size_bytes"], "duration": track["duration_seconds"]}


def transcode_target(server, binary, track, query="?max_bitrate=96", kind="96 kbps transcode"):
    """A transcode (96 kbps MP3, or Ogg Opus) on its very first play: the cache is emptied first (`duradora cache
    prune`, as an operator would), so the browser's seek meets a live encode; length and duration from a HEAD."""
    prune = subprocess.run([binary, "cache", "prune", "--config", os.path.join(server.work, "config.toml")],
                           capture_output=True, text=True)
    if prune.returncode != 0:
        raise CheckFailed(f"duradora cache prune failed: {prune.stderr}")
    status, headers, _ = server.request("HEAD", f"/api/v1/tracks/{track['id']}/stream{query}")
    fields = {k.lower(): v for k, v in headers}
    if status != 200 or "x-content-duration" not in fields or fields.get("accept-ranges") != "bytes":
        raise CheckFailed(f"HEAD of the {kind}: {status} {fields}")
    server.wait_for_idle()  # the HEAD's log line is written before the browser's requests are counted
    return {"label": f" the first play of a {kind}:", "query": query,
            "length": int(fields["content-length"]), "duration": float(fields["x-content-duration"])}


def run_browser(key, name, make_command, read_ranges, server, pages, track, work, target):
    # One profile per browser and target: the network log read back lives in it.
    profile = os.path.join(work, f"profile-{key}{re.sub(r'[^a-z0-9]+', '-', target['query'])}")
    os.makedirs(profile, exist_ok=True)
    length = target["length"]
    src = f"http://127.0.0.1:{server.port}/api/v1/tracks/{track['id']}/stream{target['query']}"
    run, url = pages.new_run(src, target["duration"], PAGE_TIMEOUT)
    stderr_path = os.path.join(work, f"{key}.stderr")
    log_offset = server.log_size()
    started = time.monotonic()
    helpers, process = [], None
    try:
        command, extra_env = make_command(profile, url, helpers)
        with open(stderr_path, "w") as stderr:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                                       env={**os.environ, **extra_env}, start_new_session=True)
        got = pages.events[run].wait(PAGE_TIMEOUT)
    finally:
        # Each process we start leads its own process group: end the browser's (renderers, content processes),
        # then the helpers'.
        for started_process in ([process] if process else []) + helpers:
            stop_group(started_process)
    elapsed = time.monotonic() - started
    server.wait_for_idle()
    result = pages.results.get(run)
    requests = server.stream_requests(log_offset)
    ranges = read_ranges(profile) if read_ranges else None

    def failure(message):
        report = [f"{name}: {message}"]
        if result:
            report.append(f"--- page result: {json.dumps({k: v for k, v in result.items() if k != 'trace'})}")
            report.append("--- page event trace:\n" + "\n".join(result.get("trace", [])))
        else:
            report.append("--- the page posted no result (so no event trace)")
        report.append(f"--- {name} output (tail of {stderr_path}):\n{tail(stderr_path)}")
        if ranges is not None:
            report.append(f"--- from {name}'s network log: Range bytes=N- sent for N in {ranges[0]}; "
                          f"Content-Range received: {ranges[1]}")
        report.append("--- stream requests in the server log, in arrival order:\n"
                      + "\n".join(line for _, _, line in requests))
        report.append(f"--- server log tail:\n{tail(server.log_path)}")
        return CheckFailed("\n".join(report))

    if not got:
        raise failure(f"no result from the page within {PAGE_TIMEOUT:.0f} s")
    if not result.get("ok"):
        raise failure(f"the page reported failure: {result.get('message')}")
    statuses = [status for status, _, _ in requests]
    bad = [status for status in statuses if status is None or status >= 400]
    if bad or not statuses:
        raise failure(f"{STREAM_ROUTE} answered {statuses} to {name} (expected only 200/206/304)")
    # The first request loads from the start; the seek is a later one, which must be a 206. WebKit's GStreamer
    # player is the exception on a live transcode: the encode delivers ~100x real time, and GStreamer waits for a
    # download that will reach the seek point within seconds instead of asking for a range (it did seek and play on).
    if 206 not in statuses[1:] and key == "webkit" and target["query"] and statuses == [200]:
        log(f"browser-check ok:{target['label']} {name} played, seeked to {result['seekTarget']:.0f}s of "
            f"{result['duration']:.2f}s (expected {target['duration']}) and played on, reading the live transcode "
            f"on instead of sending a range ({elapsed:.1f}s)")
        return
    if 206 not in statuses[1:]:
        raise failure(f"no 206 for {STREAM_ROUTE} after {name}'s first request: the seek was not served as a range "
                      f"(statuses in arrival order: {statuses})")
    seek_note = ""
    if read_ranges:
        if ranges is None:
            raise failure(f"{name} wrote no network log, so its seek request cannot be checked")
        sent = [offset for offset in ranges[0] if offset > 0]
        answered = [offset for offset in sent if (offset, length - 1, length) in ranges[1]]
        if not answered:
            raise failure(f"{name} sent no open-ended 'Range: bytes=N-' (N > 0) answered with "
                          f"'Content-Range: bytes N-{length - 1}/{length}'")
        seek_note = f"; {name} sent Range: bytes={answered[-1]}- and got Content-Range bytes {answered[-1]}-{length - 1}/{length}"
    counts = ", ".join(f"{statuses.count(s)}x{s}" for s in sorted(set(statuses)))
    log(f"browser-check ok:{target['label']} {name} played, seeked to {result['seekTarget']:.0f}s of "
        f"{result['duration']:.2f}s (expected {target['duration']}) and played on; server answered {counts} on the "
        f"stream route{seek_note} ({elapsed:.1f}s)")


def main():
    binary = duradora_binary()
    if binary is None:
        print("browser-check FAILED: duradora not built; run swift build first", file=sys.stderr)
        return 1
    wanted = os.environ.get("BROWSER_CHECK_BROWSERS", "chromium,firefox,webkit").split(",")
    wanted_targets = os.environ.get("BROWSER_CHECK_TARGETS", "stored,mp3,opus").split(",")
    # Killed (make interrupted, CI timeout): unwind through the finally blocks that stop browsers and the server.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda number, frame: sys.exit(128 + number))
    work = tempfile.mkdtemp(prefix="duradora-browser-check-")
    server = pages = None
    passed = 0
    try:
        server = Server(binary, work, ADMIN_USER, ADMIN_PASSWORD)
        track = upload_tone(server, work)
        check_safari_probe(server, track)
        passed += 1
        pages = ResultServer(work)
        for kind in wanted_targets:
            for key, name, find_binary, make_command, required, read_ranges in BROWSERS:
                # WebKit's GStreamer player is left out of the Opus run: its reading on instead of seeking a live
                # transcode (see run_browser) would prove nothing more there.
                if key not in wanted or (kind == "opus" and key == "webkit"):
                    continue
                if find_binary() is None:
                    if required:
                        raise CheckFailed(f"{name} is not installed (make test-deps installs it)")
                    log(f"browser-check skipped: {name} is not installed")
                    continue
                target = (stored_target(server, track) if kind == "stored"
                          else transcode_target(server, binary, track) if kind == "mp3"
                          else transcode_target(server, binary, track, "?format=opus&max_bitrate=96", "96 kbps Opus transcode"))
                run_browser(key, name, make_command, read_ranges, server, pages, track, work, target)
                passed += 1
    except CheckFailed as error:
        print(f"browser-check FAILED: {error}", file=sys.stderr)
        if server is not None and "server log tail" not in str(error):
            print(f"--- server log tail:\n{tail(server.log_path)}", file=sys.stderr)
        if not os.environ.get("BROWSER_CHECK_KEEP"):
            print("(BROWSER_CHECK_KEEP=1 keeps the temporary directory with every log)", file=sys.stderr)
        return 1
    finally:
        if pages is not None:
            pages.stop()
        if server is not None:
            server.stop()
        if os.environ.get("BROWSER_CHECK_KEEP"):
            print(f"browser-check: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"browser-check: {passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
