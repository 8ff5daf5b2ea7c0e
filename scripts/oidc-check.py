#!/usr/bin/env python3
"""External login (issue 15) against a real OpenID provider on loopback (run by `make test`).

Starts `oidc-provider-mock` (PyPI, an authlib-based OpenID Connect provider, in a venv under .build) and a real
`duradora serve` configured with two providers: `mock` (OpenID Connect through discovery) and `yandex` (the hosting
service's Yandex routes, as plain OAuth 2.0 with explicit URLs and a userinfo endpoint — Yandex ID's shape). Then walks
the flow in headless Chromium as a person (our login link, the provider's form, back on the web player signed in),
then one request at a time: our login redirect → the provider's login form → its redirect
back to our callback → signed in (cookies, /v1/auth/me). And what must fail, with a clear JSON error and nothing
left behind: a tampered state, a callback without the login's cookie, a replayed code, an unknown provider, an ID
token whose signature does not match the key set (the provider's own `kid`, another key), the provider down between
the login form and the callback (502, no user created).

Binary under test: $DURADORA_BINARY, or `$(swift build --show-bin-path)/duradora`. Prints `oidc-check ok: ...`.
"""
import http.client
import http.server
import threading
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

from duradora_server import ROOT, CheckFailed, Server, duradora_binary, log, run_in_venv, tail

VENV = os.path.join(ROOT, ".build", "oidc-check-venv")
# 0.3.4: the last release that runs on Python 3.11 (0.4 needs 3.12). Playwright drives Debian's Chromium (no
# browser is downloaded: `executable_path` points at /usr/bin/chromium).
PACKAGES = ["oidc-provider-mock==0.3.4", "playwright>=1.49"]
ADMIN_USER, ADMIN_PASSWORD = "oidcadmin", "oidc-check-admin-password"


def ensure_packages():
    """Re-runs this script inside a venv that has the provider and Playwright (installed once, reused afterwards)."""
    run_in_venv(VENV, ["oidc_provider_mock", "playwright"], PACKAGES)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Provider:
    def __init__(self, work):
        self.port = free_port()
        self.log_path = os.path.join(work, "provider.log")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "-p", str(self.port)],
                                        stdin=subprocess.DEVNULL, stdout=self.log_file, stderr=self.log_file)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if http_request("GET", self.url("/.well-known/openid-configuration"))[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise CheckFailed(f"the provider did not start:\n{tail(self.log_path)}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class ForgedKeys:
    """A key set that names the provider's own key ids with another RSA key: the mock's genuine ID tokens must fail
    against it, which shows the signature is really checked (and against the key set, not just the `kid`)."""

    def __init__(self, provider):
        from joserfc.jwk import RSAKey
        genuine = json.loads(http_request("GET", provider.url("/jwks"))[2])["keys"]
        expect(genuine, "the provider publishes no keys at its jwks_uri")
        other = RSAKey.generate_key(2048).as_dict(private=False)
        body = json.dumps({"keys": [dict(key, n=other["n"], e=other["e"]) for key in genuine]}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/jwks"


def http_request(method, url, body=None, headers=None):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def header(headers, name):
    return next((value for key, value in headers if key.lower() == name.lower()), None)


def cookies(headers):
    """name → (value, whole Set-Cookie header)."""
    found = {}
    for key, value in headers:
        if key.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name] = (rest.split(";")[0], value)
    return found


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def error_code(body):
    try:
        return json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


class Browser:
    """Follows our login to the provider and through its form, as a person clicking would, up to (not into) our
    callback: returns the callback URL and the login's state cookie."""

    def __init__(self, server):
        self.server = server

    def start(self, login_path, method="GET"):
        status, headers, body = self.server.request(method, login_path)
        expect(status == 302, f"{method} {login_path} answered {status}: {body[:300]!r}")
        state_cookie = cookies(headers).get("duradora_oidc")
        expect(state_cookie is not None, f"{login_path} set no duradora_oidc cookie")
        expect("HttpOnly" in state_cookie[1] and "SameSite=Lax" in state_cookie[1], f"state cookie: {state_cookie[1]}")
        return header(headers, "Location"), state_cookie[0]

    def authorize(self, location, subject):
        status, _, form = http_request("GET", location)
        expect(status == 200 and b'name="sub"' in form, f"the provider's login form answered {status}: {form[:300]!r}")
        status, headers, body = http_request("POST", location, body=urllib.parse.urlencode({"sub": subject}),
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        expect(status == 302, f"the provider's form post answered {status}: {body[:300]!r}")
        return header(headers, "Location")

    def callback(self, url, state_cookie, accept=None):
        parts = urllib.parse.urlsplit(url)
        headers = {"Cookie": f"duradora_oidc={state_cookie}"} if state_cookie else {}
        if accept:
            headers["Accept"] = accept
        return self.server.request("GET", parts.path + "?" + parts.query, headers=headers)


def in_chromium(server):
    """A person in headless Chromium: opens our login link, types an account into the provider's form, clicks
    Authorize, and is back on the web player, which shows them signed in."""
    import shutil
    from playwright.sync_api import sync_playwright
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    expect(chromium is not None, "chromium is not installed (make test-deps installs it)")
    base = f"http://127.0.0.1:{server.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(base + "/api/v1/auth/oidc/mock/login")
            page.fill('input[name="sub"]', "carol@example.test")
            page.click('button[type="submit"]:has-text("Authorize")')
            page.wait_for_url(base + "/**", timeout=30_000)
            page.get_by_text("carol", exact=True).first.wait_for(timeout=30_000)
            names = [cookie["name"] for cookie in page.context.cookies()]
            expect("duradora_session" in names and "duradora_oidc" not in names, f"cookies after sign-in: {names}")
        finally:
            browser.close()
    log("oidc-check ok: Chromium: login link → provider's form → back on the web player, signed in as 'carol'")


def user_count(server, admin_token):
    return server.json("GET", "/api/v1/users?limit=1", [200], headers={"Authorization": f"Bearer {admin_token}"})["total"]


def run(server, provider):
    browser = Browser(server)
    admin = server.json("POST", "/api/v1/auth/login", [200],
                        body=json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD}),
                        headers={"Content-Type": "application/json"})["access_token"]
    in_chromium(server)
    users_before = user_count(server, admin)

    # OpenID Connect through discovery: the redirect carries PKCE, state, nonce and the openid scope.
    location, state = browser.start("/api/v1/auth/oidc/mock/login")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    expect(location.startswith(provider.url("/oauth2/authorize")), f"redirected to {location}")
    for name in ["state", "nonce", "code_challenge", "redirect_uri"]:
        expect(name in query, f"the authorization URL has no {name}: {location}")
    expect(query["code_challenge_method"] == ["S256"] and "openid" in query["scope"][0], f"{location}")
    expect(query["redirect_uri"][0] == f"http://127.0.0.1:{server.port}/api/v1/auth/oidc/mock/callback", f"{location}")
    callback = browser.authorize(location, "alice@example.test")
    expect(urllib.parse.urlsplit(callback).path == "/api/v1/auth/oidc/mock/callback", f"provider sent us to {callback}")
    status, headers, body = browser.callback(callback, state)
    expect(status == 303 and header(headers, "Location") == "/", f"callback answered {status}: {body[:300]!r}")
    set_cookies = cookies(headers)
    session = set_cookies.get("duradora_session", ("",))[0]
    expect(session and "HttpOnly" in set_cookies["duradora_session"][1], f"no session cookie: {headers}")
    expect("Max-Age=0" in set_cookies.get("duradora_oidc", ("", ""))[1], "the state cookie was not cleared")
    me = server.json("GET", "/v1/auth/me", [200], headers={"Cookie": f"duradora_session={session}"})
    expect(me["username"] == "alice", f"new user's name: {me}")
    expect(user_count(server, admin) == users_before + 1, "the first sign-in did not create exactly one user")
    log("oidc-check ok: OIDC sign-in (discovery, PKCE S256, state, nonce) → new user 'alice', session cookie")

    # The same code again (the login's cookie kept, as an attacker replaying the whole callback would): refused.
    status, _, body = browser.callback(callback, state)
    expect(status == 400 and error_code(body) == "oidc_login_failed", f"replayed code answered {status}: {body!r}")
    log("oidc-check ok: a replayed code is refused (400 oidc_login_failed)")

    # A second sign-in of the same subject is the same user; JSON for a client that asks only for it.
    location, state = browser.start("/api/v1/auth/oidc/mock/login", "POST")
    status, _, body = browser.callback(browser.authorize(location, "alice@example.test"), state, accept="application/json")
    expect(status == 200, f"second sign-in answered {status}: {body[:300]!r}")
    pair = json.loads(body)
    me_again = server.json("GET", "/api/v1/auth/me", [200], headers={"Authorization": f"Bearer {pair['access_token']}"})
    expect(me_again["id"] == me["id"] and user_count(server, admin) == users_before + 1, "a second sign-in made a new user")
    log("oidc-check ok: the same subject signs in to the same user (found by sub, not by name)")

    # Tampered state; no state cookie at all (another browser); an unknown provider.
    location, state = browser.start("/api/v1/auth/oidc/mock/login")
    callback = browser.authorize(location, "mallory@example.test")
    tampered = callback.replace("state=", "state=x", 1)
    for url, cookie, what in [(tampered, state, "tampered state"), (callback, None, "no state cookie"),
                              (callback, state[:-4] + "AAAA", "forged state cookie")]:
        status, _, body = browser.callback(url, cookie)
        expect(status == 400 and error_code(body) == "oidc_state_mismatch", f"{what} answered {status}: {body!r}")
    status, _, body = server.request("GET", "/api/v1/auth/oidc/nobody/login")
    expect(status == 404 and error_code(body) == "not_found", f"unknown provider answered {status}: {body!r}")
    expect(user_count(server, admin) == users_before + 1, "a refused sign-in created a user")
    log("oidc-check ok: tampered state, missing or forged state cookie → 400 oidc_state_mismatch; unknown provider 404")

    # The hosting service's Yandex routes: plain OAuth 2.0 (no nonce, no scope), the account from userinfo.
    location, state = browser.start("/v1/auth/yandex/login", "POST")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    expect("nonce" not in query and "code_challenge" in query, f"Yandex-style authorization URL: {location}")
    callback = browser.authorize(location, "yandex-person@example.test")
    expect(urllib.parse.urlsplit(callback).path == "/v1/auth/yandex/callback", f"provider sent us to {callback}")
    status, headers, body = browser.callback(callback, state)
    expect(status == 303, f"Yandex callback answered {status}: {body[:300]!r}")
    set_cookies = cookies(headers)
    expect("duradora_refresh" in set_cookies and "Path=/v1/auth" in set_cookies["duradora_refresh"][1], f"{headers}")
    me = server.json("GET", "/v1/auth/me", [200], headers={"Cookie": f"duradora_session={set_cookies['duradora_session'][0]}"})
    expect(me["username"] == "yandex-person", f"Yandex user's name: {me}")
    log("oidc-check ok: /v1/auth/yandex/login → provider → /v1/auth/yandex/callback → signed in (both cookies)")

    # The provider's genuine ID token against a key set with its kid but another key: the signature is wrong.
    before = user_count(server, admin)
    location, state = browser.start("/api/v1/auth/oidc/forged/login")
    status, _, body = browser.callback(browser.authorize(location, "mallory@example.test"), state)
    expect(status == 400 and error_code(body) == "oidc_login_failed" and b"signature is wrong" in body,
           f"an ID token checked against other keys answered {status}: {body!r}")
    expect(user_count(server, admin) == before, "a sign-in with a wrongly signed ID token created a user")
    with open(provider.log_path) as log_file:
        expect("GET /jwks" in log_file.read(), "the server never fetched the provider's key set (jwks_uri)")
    log("oidc-check ok: ID tokens verified against the provider's JWKS; against another key → 400 'signature is wrong'")

    # The provider goes down between its login form and our callback: 502, and no user is created.
    before = user_count(server, admin)
    location, state = browser.start("/api/v1/auth/oidc/mock/login")
    callback = browser.authorize(location, "late@example.test")
    provider.stop()
    status, _, body = browser.callback(callback, state)
    expect(status == 502 and error_code(body) == "oidc_provider_unavailable", f"provider down answered {status}: {body!r}")
    expect(user_count(server, admin) == before, "a sign-in that failed at the provider created a user")
    status, _, body = server.request("GET", "/v1/auth/yandex/login")
    expect(status == 302, f"starting a plain OAuth sign-in needs no provider call, answered {status}")
    log("oidc-check ok: provider down at the callback → 502 oidc_provider_unavailable, nothing created")


def main():
    ensure_packages()
    binary = duradora_binary()
    if binary is None:
        raise CheckFailed("no duradora binary: run `swift build` first")
    work = tempfile.mkdtemp(prefix="oidc-check-")
    provider = Provider(work)
    forged = ForgedKeys(provider)
    server = None
    try:
        extra = f"""[auth.oidc.mock]
issuer = "{provider.url('')}"
client_id = "duradora-check"
client_secret = "duradora-check-secret"
username_claim = "email"
[auth.oidc.forged]
issuer = "{provider.url('')}"
jwks_url = "{forged.url}"
client_id = "duradora-forged"
client_secret = "duradora-forged-secret"
[auth.oidc.yandex]
authorization_url = "{provider.url('/oauth2/authorize')}"
token_url = "{provider.url('/oauth2/token')}"
userinfo_url = "{provider.url('/userinfo')}"
client_id = "yandex-check"
client_secret = "yandex-check-secret"
subject_claim = "sub"
scopes = ["profile", "email"]   # Yandex: "login:info", "login:email"; no "openid": plain OAuth 2.0
"""
        server = Server(binary, work, ADMIN_USER, ADMIN_PASSWORD, extra_config=extra)
        run(server, provider)
    except CheckFailed:
        if server:
            print(tail(server.log_path), file=sys.stderr)
        print(tail(provider.log_path), file=sys.stderr)
        raise
    finally:
        provider.stop()
        forged.server.shutdown()
        if server:
            server.stop()


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failure:
        print(f"oidc-check FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
