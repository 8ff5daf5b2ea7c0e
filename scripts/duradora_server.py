"""What the browser checks share: a real `duradora serve` on an ephemeral port with a temporary config, database
and uploads directory, and the binary under test ($DURADORA_BINARY, or `$(swift build --show-bin-path)/duradora`).
Imported by scripts/browser-check.py and scripts/web-check.py."""
import http.client
import json
import os
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STREAM_ROUTE = "/api/v1/tracks/{id}/stream"


def duradora_binary():
    """The duradora binary to test, or None when it is not built."""
    binary = os.environ.get("DURADORA_BINARY")
    if not binary:
        bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout.strip()
        binary = os.path.join(bin_path, "duradora")
    return binary if os.access(binary, os.X_OK) else None


def run_in_venv(venv_path, modules, packages):
    """Re-runs the calling script inside the venv at `venv_path`, creating it and installing `packages` from PyPI
    when one of `modules` does not import there (once; reused afterwards). Returns when already inside it."""
    import sys
    import venv
    python = os.path.join(venv_path, "bin", "python")
    if sys.prefix == venv_path:
        return
    if not os.path.exists(python):
        venv.create(venv_path, with_pip=True)
    check = subprocess.run([python, "-c", "import " + ", ".join(modules)], capture_output=True)
    if check.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", *packages], check=True)
    os.execv(python, [python, *sys.argv])


class CheckFailed(Exception):
    pass


def log(message):
    print(message, flush=True)


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError as error:
        return f"(cannot read {path}: {error})"


def stop_process(process, timeout=15):
    """SIGTERM, then SIGKILL if it has not exited after `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Server:
    def __init__(self, binary, work, admin_user, admin_password, bitrate=320, extra_config=""):
        self.work = work
        self.log_path = os.path.join(work, "server.log")
        config = os.path.join(work, "config.toml")
        with open(config, "w") as handle:
            handle.write(f"""[server]
host = "127.0.0.1"
port = 0
[storage]
database = "{work}/data/duradora.sqlite3"
uploads = "{work}/uploads"
[audio]
bitrate = {bitrate}
[audio.transcoding]
cache_dir = "{work}/cache"
[auth]
password_hash_cost = "min"
[auth.bootstrap_admin]
username = "{admin_user}"
password = "{admin_password}"
[log]
format = "logfmt"
level = "info"
{extra_config}""")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen([binary, "serve", "--config", config], cwd=work,
                                        stdin=subprocess.DEVNULL, stdout=self.log_file, stderr=self.log_file)
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None and time.monotonic() < deadline:
            match = re.search(r"msg=listening address=127\.0\.0\.1:(\d+)", open(self.log_path).read())
            if match:
                self.port = int(match.group(1))
            elif self.process.poll() is not None:
                break
            else:
                time.sleep(0.1)
        if self.port is None:
            self.stop()
            raise CheckFailed(f"duradora serve did not report its port (exit status {self.process.returncode}):\n"
                              f"{tail(self.log_path)}")

    def request(self, method, path, body=None, headers=None, timeout=60):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def json(self, method, path, expected, body=None, headers=None):
        status, _, data = self.request(method, path, body, headers)
        if status not in expected:
            raise CheckFailed(f"{method} {path} answered {status}, expected {expected}: {data[:500]!r}")
        return json.loads(data)

    def log_size(self):
        self.log_file.flush()
        return os.path.getsize(self.log_path)

    def stream_requests(self, since):
        """(status, bytes, line) of each access-log line for the stream route written after byte offset `since`,
        in the order the requests arrived (request ids count up in hex; lines are written when a response ends)."""
        with open(self.log_path, errors="replace") as handle:
            handle.seek(since)
            lines = handle.read().splitlines()
        found = []
        for line in lines:
            if "msg=request" in line and f"route={STREAM_ROUTE}" in line:
                status = re.search(r"\bstatus=(\d+)", line)
                sent = re.search(r"\bbytes=(\d+)", line)
                number = re.search(r"\brequest_id=[^ ]*-([0-9a-f]+)\b", line)
                found.append((int(number.group(1), 16) if number else 0, int(status.group(1)) if status else None,
                              int(sent.group(1)) if sent else None, line))
        return [(status, sent, line) for _, status, sent, line in sorted(found, key=lambda item: item[0])]

    def wait_for_idle(self, timeout=20):
        """Waits until no client connection but our own is open, so every browser request has its log line, and
        until that line is written: the server gathers request lines for up to 20 ms before one write(2)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                _, _, body = self.request("GET", "/metrics", headers={"Connection": "close"})
            except OSError:
                return  # the server is gone; its log says why

            match = re.search(rb"^duradora_http_open_connections (\d+)", body, re.M)
            if match and int(match.group(1)) <= 1:
                break
            time.sleep(0.2)
        size = self.log_size()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            size, before = self.log_size(), size
            if size == before:
                return

    def stop(self):
        stop_process(self.process)
        self.log_file.close()
