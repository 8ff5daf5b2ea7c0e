#!/usr/bin/env python3
"""The web player, used as a person would in a real headless Chromium (run by `make test`).

Starts a real `duradora serve`, then drives Debian's Chromium with Playwright (from PyPI, in a venv under .build;
no browser is downloaded: `executable_path` points at /usr/bin/chromium), clicking and typing:
register, upload two tagged MP3s through the file input and watch both reach "ready", find one by search and play
it (the position advances), seek to 70 % by clicking the seek bar (playback goes on from there), make a playlist,
add both tracks and reorder them by dragging, make it shareable and open its share link in a fresh anonymous
context and play, see the album's cover in the grid, star the album and find it under favourites, create an app
password, log out, and (as the admin) open the admin page.

On every page: no console errors and no uncaught exceptions, and an axe-core scan (PyPI axe-playwright-python,
which carries axe.min.js) with no serious or critical violations. Screenshots of each view at 390 and 1280 px wide
go to .build/web-check/ (kept: look at them).

Binary under test: $DURADORA_BINARY, or `$(swift build --show-bin-path)/duradora`. WEB_CHECK_KEEP=1 keeps the
temporary directory. Prints `web-check ok: ...` lines; on failure the reason, the page's errors and the server log.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from duradora_server import ROOT, CheckFailed, Server, duradora_binary, log, run_in_venv, tail

SCREENSHOTS = os.path.join(ROOT, ".build", "web-check")
VENV = os.path.join(ROOT, ".build", "web-check-venv")
PACKAGES = ["playwright>=1.49", "axe-playwright-python>=0.1.4"]
ADMIN_USER, ADMIN_PASSWORD = "webcheckadmin", "web-check-admin-password"
LISTENER, LISTENER_PASSWORD = "listener", "listener-password-1"
ALBUM = "Web Check Album"
TRACKS = [("Morning Sine", 440, 1), ("Evening Square", 330, 2)]
TIMEOUT_MS = 30_000


def ensure_packages():
    """Re-runs this script inside a venv that has Playwright and axe (installed once, reused afterwards)."""
    run_in_venv(VENV, ["playwright", "axe_playwright_python"], PACKAGES)


def make_tracks(work):
    """Two 40-second tagged MP3s of one album (sox makes the tone, lame encodes and tags it)."""
    paths = []
    for title, frequency, number in TRACKS:
        wav = os.path.join(work, f"{number}.wav")
        mp3 = os.path.join(work, f"{title.replace(' ', '_')}.mp3")
        subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", wav, "synth", "40", "sine", str(frequency)], check=True)
        subprocess.run(["lame", "--quiet", "-b", "128", "--tt", title, "--ta", "Web Check Artist", "--tl", ALBUM,
                        "--ty", "2024", "--tn", str(number), wav, mp3], check=True)
        paths.append(mp3)
    # An album cover, as a person would find one: a JPEG (a gradient written as PPM, converted by libvips' CLI).
    ppm = os.path.join(work, "cover.ppm")
    with open(ppm, "wb") as handle:
        handle.write(b"P6\n64 64\n255\n" + bytes(v for y in range(64) for x in range(64)
                                                   for v in (x * 4, 90 + y, 200 - y * 2)))
    cover = os.path.join(work, "cover.jpg")
    subprocess.run(["vips", "copy", ppm, cover], check=True)
    return paths, cover


class Watch:
    """Collects what a page reports that a person would call broken: console errors and uncaught exceptions."""

    def __init__(self):
        self.errors = []

    def attach(self, page):
        def console(message):
            if message.type != "error":
                return
            location = message.location or {}
            # Asking "who am I?" before anyone signed in is answered 401 by design; the browser logs any 4xx.
            if "401" in message.text and location.get("url", "").endswith("/api/v1/auth/me"):
                return
            self.errors.append(f"console: {message.text} ({location.get('url', '')})")
        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def check(self, where):
        if self.errors:
            raise CheckFailed(f"{where}: the page reported errors:\n  " + "\n  ".join(self.errors))


def scan(page, axe, view, scanned):
    """axe-core over the view as it is now; serious or critical violations fail the check. Then screenshots."""
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in bad]
        raise CheckFailed(f"accessibility violations on {view}:\n  " + "\n  ".join(lines))
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        page.wait_for_timeout(150)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{view}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    scanned.append(view)


def position(page):
    return page.evaluate("Number(document.getElementById('seek').value)")


def wait_until(page, predicate, timeout=TIMEOUT_MS / 1000):
    """Polls from here: Playwright's own wait_for_function evaluates its predicate with eval(), which the page's
    Content-Security-Policy rightly forbids (page.evaluate goes through the debugger protocol and is allowed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        page.wait_for_timeout(100)
    return False


def wait_playing_past(page, seconds, what):
    if not wait_until(page, lambda: position(page) > seconds):
        raise CheckFailed(f"{what}: playback did not pass {seconds:.1f} s (at {position(page):.1f} s)")


def run(browser, base, files, cover, axe):
    from playwright.sync_api import expect
    expect.set_options(timeout=TIMEOUT_MS)
    watch = Watch()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base,
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    watch.attach(page)
    scanned = []

    page.goto("/#/register")
    expect(page.get_by_role("heading", name="Register")).to_be_visible()
    scan(page, axe, "register", scanned)
    page.fill("#register-username", LISTENER)
    page.fill("#register-password", LISTENER_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#logout")).to_be_visible()
    log("web-check ok: registered and signed in through the form")

    page.goto("/#/upload")
    page.set_input_files("#file-input", files)
    expect(page.locator("#uploads .status")).to_have_text(["ready", "ready"])
    scan(page, axe, "upload", scanned)
    log("web-check ok: two files uploaded through the file input reached ready")
    # The player has no cover editor: the album's cover goes up through the API, from the page (same origin).
    with open(cover, "rb") as handle:
        picture = list(handle.read())
    status = page.evaluate("""async ([picture]) => {
        const track = (await (await fetch('/api/v1/tracks?q=Morning')).json()).items[0];
        const response = await fetch(`/api/v1/albums/${track.album_id}/cover`, { method: 'PUT',
            headers: { 'Content-Type': 'image/jpeg' }, body: new Uint8Array(picture) });
        return response.status; }""", [picture])
    if status != 200:
        raise CheckFailed(f"PUT of the album cover answered {status}")

    page.click("#search")
    page.keyboard.type("Morning")
    expect(page.get_by_role("heading", name="Results for “Morning”")).to_be_visible()
    scan(page, axe, "search", scanned)
    page.get_by_role("button", name="Play Morning Sine").click()
    wait_playing_past(page, 1.0, "search result")
    log("web-check ok: found a track by typing in search and played it")

    seek = page.locator("#seek")
    duration = float(seek.get_attribute("max") or 0)
    box = seek.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
    target = duration * 0.7
    if not wait_until(page, lambda: position(page) > target - 2):
        raise CheckFailed(f"seek to 70 % of {duration:.1f} s did not land (at {position(page):.1f} s)")
    landed = position(page)
    wait_playing_past(page, landed + 1.0, "after the seek")
    log(f"web-check ok: clicked the seek bar at 70 % ({target:.1f} of {duration:.1f} s), playback went on from {landed:.1f} s")

    page.goto("/#/playlists")
    page.fill("#new-playlist-name", "Road trip")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Road trip")).to_be_visible()
    page.goto("/#/search/Web%20Check")
    for title, _, _ in TRACKS:
        picker = page.get_by_label(f"Add {title} to a playlist")
        picker.focus()
        expect(picker.locator("option", has_text="Road trip")).to_have_count(1)
        picker.select_option(label="Road trip")
        expect(page.locator("#toast")).to_contain_text("Added to “Road trip”")
    playlist_id = page.evaluate("""async () => {
        const me = await (await fetch('/api/v1/auth/me')).json();
        const page = await (await fetch(`/api/v1/users/${me.username}/playlists`)).json();
        return page.items[0].id; }""")
    page.goto(f"/#/playlists/{playlist_id}")
    rows = page.locator("table.tracks tbody tr")
    expect(rows).to_have_count(2)
    rows.nth(1).drag_to(rows.nth(0))
    expect(page.locator("table.tracks tbody tr").first).to_contain_text("Evening Square")
    order = page.evaluate(f"""async () => (await (await fetch('/api/v1/playlists/{playlist_id}')).json())
        .tracks.map((entry) => entry.track.title)""")
    if order != ["Evening Square", "Morning Sine"]:
        raise CheckFailed(f"the server's playlist order after the drag is {order}")
    log("web-check ok: made a playlist, added both tracks, reordered them by dragging (the server agrees)")

    page.locator("summary", has_text="Edit playlist").click()
    page.get_by_label("Visibility").select_option("link")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#copy-share")).to_be_visible()
    scan(page, axe, "playlist", scanned)
    page.click("#copy-share")
    share = page.evaluate("navigator.clipboard.readText()")
    if "/#/shared/" not in share:
        raise CheckFailed(f"the copied share link is {share!r}")
    anonymous = browser.new_context(viewport={"width": 390, "height": 844})
    stranger = anonymous.new_page()
    watch.attach(stranger)
    stranger.goto(share)
    expect(stranger.get_by_role("heading", name="Road trip")).to_be_visible()
    stranger.click("#play-playlist")
    wait_playing_past(stranger, 1.0, "shared playlist")
    stranger.screenshot(path=os.path.join(SCREENSHOTS, "shared-390.png"), full_page=True)
    anonymous.close()
    log("web-check ok: the copied share link opened in a fresh anonymous context and played")

    page.goto("/#/albums")
    expect(page.locator("#album-grid .card").first).to_be_visible()
    cover_image = page.locator("#album-grid .card", has_text=ALBUM).locator("img.cover")
    expect(cover_image).to_be_visible()
    if not wait_until(page, lambda: cover_image.evaluate("(image) => image.complete && image.naturalWidth > 0")):
        raise CheckFailed("the album's cover did not load in the album grid")
    scan(page, axe, "albums", scanned)
    page.locator("#album-grid .card", has_text=ALBUM).click()
    expect(page.get_by_role("heading", name=ALBUM)).to_be_visible()
    scan(page, axe, "album", scanned)
    page.get_by_role("button", name=f"Star {ALBUM}").click()
    expect(page.get_by_role("button", name=f"Unstar {ALBUM}")).to_be_visible()
    page.goto("/#/favorites")
    expect(page.locator(".card", has_text=ALBUM)).to_be_visible()
    scan(page, axe, "favorites", scanned)
    log("web-check ok: the album's cover shows in the grid; starred the album and found it under favourites")

    for view in ("", "artists", "genres", "history"):
        page.goto(f"/#/{view}")
        expect(page.locator("main h1")).to_be_visible()
        page.wait_for_load_state("networkidle")
        scan(page, axe, view or "home", scanned)

    page.goto("/#/account")
    page.fill("#app-password-name", "Phone")
    page.get_by_role("button", name="Create app password").click()
    expect(page.locator("#new-app-password")).to_have_text(re.compile(r"^\S{12,}$"))
    scan(page, axe, "account", scanned)
    log("web-check ok: created an app password, shown once")

    page.click("#logout")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    scan(page, axe, "login", scanned)
    status = page.evaluate("async () => (await fetch('/api/v1/auth/me')).status")
    if status != 401:
        raise CheckFailed(f"after logging out, /api/v1/auth/me answers {status}")
    log("web-check ok: logged out (the session no longer works)")

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base)
    admin_page = admin.new_page()
    watch.attach(admin_page)
    admin_page.goto("/#/login")
    admin_page.fill("#login-username", ADMIN_USER)
    admin_page.fill("#login-password", ADMIN_PASSWORD)
    admin_page.get_by_role("button", name="Log in").click()
    expect(admin_page.locator("#logout")).to_be_visible()
    admin_page.goto("/#/admin")
    expect(admin_page.get_by_role("heading", name="Users")).to_be_visible()
    scan(admin_page, axe, "admin", scanned)
    admin.close()

    watch.check("web player")
    log(f"web-check ok: no console errors; axe found nothing serious on {len(scanned)} views; "
        f"screenshots in {os.path.relpath(SCREENSHOTS, ROOT)}/")
    context.close()


def main():
    ensure_packages()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    binary = duradora_binary()
    if binary is None:
        print("web-check FAILED: duradora not built; run swift build first", file=sys.stderr)
        return 1
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("web-check FAILED: chromium is not installed (make test-deps installs it)", file=sys.stderr)
        return 1
    os.makedirs(SCREENSHOTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="duradora-web-check-")
    server = None
    started = time.monotonic()
    try:
        server = Server(binary, work, ADMIN_USER, ADMIN_PASSWORD, bitrate=128)
        files, cover = make_tracks(work)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox",
                                                 "--autoplay-policy=no-user-gesture-required", "--mute-audio"])
            try:
                run(browser, f"http://127.0.0.1:{server.port}", files, cover, Axe())
            finally:
                browser.close()
    except Exception as error:  # CheckFailed, and Playwright's failed expectations and timeouts
        print(f"web-check FAILED: {error}", file=sys.stderr)
        if server is not None:
            print(f"--- server log tail:\n{tail(server.log_path)}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        if os.environ.get("WEB_CHECK_KEEP"):
            print(f"web-check: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"web-check ok: all flows in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
