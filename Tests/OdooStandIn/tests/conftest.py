"""Fixtures: a stand-in Odoo of a given version, the production script run as the Swift side runs it."""
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

STANDIN = Path(__file__).resolve().parent.parent
REPO = STANDIN.parent.parent
SCRIPT = REPO / 'Shared' / 'ConnectAsOdoo' / 'Resources' / 'connectas_shell.py'
ODOO_BIN = STANDIN / 'odoo-bin'
MARKER = 'CONNECTAS-RESULT '
VERSIONS = ['13.0', '14.0', '15.0', '16.0', '17.0', '18.0', '19.0']
DB = 'customer'

# Every character that could break out of a Python string literal or a shell command line.
HOSTILE = 'o\'brien"; import os; os.system("touch PWNED") #\n$(touch PWNED) `touch PWNED` \\ """ \'\'\' ; rm -rf /'

USERS = [
    {'login': 'admin', 'name': 'Administrator', 'email': 'admin@example.com', 'password': 'admin', 'admin': True},
    {'login': 'alice', 'name': 'Alice Ortega', 'email': 'Alice@Example.com', 'password': 'alice-pw',
     'lang': 'es_ES', 'tz': 'America/Bogota'},
    {'login': 'dave@corp.example', 'name': 'Dave Support', 'email': 'dave.home@example.org', 'password': 'd'},
    {'login': 'bob', 'name': 'Bob Archived', 'email': 'bob@example.com', 'password': 'b', 'active': False},
    {'login': 'portal', 'name': 'Pat Portal', 'email': 'pat@example.net', 'password': 'p', 'share': True},
    {'login': HOSTILE, 'name': 'Hostile ' + HOSTILE, 'email': 'hostile@example.com', 'password': 'h'},
    {'login': 'zed', 'name': 'Zed No-Mail', 'password': 'z'},
]


def build_stdin(request):
    """Exactly what session-injector writes on the SSH channel: the request line, then the script."""
    payload = base64.b64encode(json.dumps(request).encode('utf-8')).decode('ascii')
    return ('CONNECTAS_REQUEST = "%s"\n' % payload).encode('ascii') + SCRIPT.read_bytes()


def parse_result(stdout):
    lines = [line for line in stdout.decode('utf-8').splitlines() if line.startswith(MARKER)]
    assert len(lines) == 1, 'expected exactly one result line, got: %r' % stdout
    return json.loads(lines[0][len(MARKER):])


class StandInOdoo(object):
    def __init__(self, version, root, template=None):
        self.version = version
        self.major = int(version.split('.')[0])
        self.root = root
        self.conf = root / 'odoo.conf'
        self.data_dir = root / 'data'
        self.sessions = self.data_dir / 'sessions'
        self.http_proc = None
        self.http_url = None
        if template is None:
            subprocess.run([sys.executable, str(STANDIN / 'seed.py'), 'conf', '--conf', str(self.conf),
                            '--data-dir', str(self.data_dir), '--odoo-version', version], check=True)
            self.ids = self.seed(USERS)
        else:  # a copy of an already seeded instance (same users and database.secret)
            shutil.copytree(str(template.data_dir), str(self.data_dir))
            self.conf.write_text(template.conf.read_text().replace(str(template.data_dir), str(self.data_dir)))
            self.ids = dict(template.ids)

    # -- stand-in administration ------------------------------------------------------------
    def seed(self, users, db=DB, without_mail=False):
        cmd = [sys.executable, str(STANDIN / 'seed.py'), 'init', '-c', str(self.conf), '-d', db]
        if without_mail:
            cmd.append('--without-mail')
        out = subprocess.run(cmd, input=json.dumps(users).encode(), check=True, stdout=subprocess.PIPE).stdout
        return json.loads(out)

    def update_user(self, login, **changes):
        cmd = [sys.executable, str(STANDIN / 'seed.py'), 'update', '-c', str(self.conf), '-d', DB, '--login', login]
        for key, value in changes.items():
            cmd += ['--' + key.replace('_', '-'), value]
        subprocess.run(cmd, check=True)

    def sql(self, query, params=()):
        cnx = sqlite3.connect(str(self.data_dir / 'standin-db' / (DB + '.sqlite3')))
        try:
            rows = cnx.execute(query, params).fetchall()
            cnx.commit()
            return rows
        finally:
            cnx.close()

    # -- the production path ----------------------------------------------------------------
    def command(self, db=DB):
        # The host-install command line: configured odoo-bin, then `shell` FIRST, then the options.
        return [str(ODOO_BIN), 'shell', '-c', str(self.conf), '-d', db, '--no-http', '--log-level=warn']

    def run_stdin(self, stdin, db=DB):
        proc = subprocess.run(self.command(db), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=str(self.root), timeout=60)
        assert proc.returncode == 0, proc.stderr.decode()
        return parse_result(proc.stdout)

    def run(self, request, db=DB):
        return self.run_stdin(build_stdin(request), db=db)

    # -- sessions on disk ---------------------------------------------------------------------
    def session_path(self, sid):
        if self.major <= 15:
            return self.sessions / ('werkzeug_%s.sess' % sid)
        return self.sessions / sid[:2] / sid

    def read_session(self, sid):
        path = self.session_path(sid)
        if self.major >= 18:
            return json.loads(path.read_text(encoding='utf-8'))
        import pickle
        with open(str(path), 'rb') as f:
            return pickle.load(f)

    def session_files(self):
        return sorted(p for p in self.sessions.rglob('*') if p.is_file() and 'connectas' not in p.parts)

    # -- the HTTP check -----------------------------------------------------------------------
    def get(self, path='/web', sid=None):
        """GET through http_check.py; returns (status, json body or None, headers)."""
        if self.http_proc is None:
            self.http_proc = subprocess.Popen([sys.executable, str(STANDIN / 'http_check.py'), '-c', str(self.conf),
                                               '--port', '0'], stdout=subprocess.PIPE)
            line = self.http_proc.stdout.readline().decode()
            assert line.startswith('LISTENING '), line
            self.http_url = line.split()[1]
        request = urllib.request.Request(self.http_url + path)
        if sid is not None:
            request.add_header('Cookie', 'session_id=%s' % sid)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as e:
            return e.code, None, e.headers
        return response.status, json.loads(response.read().decode()), response.headers

    def close(self):
        if self.http_proc is not None:
            self.http_proc.terminate()
            self.http_proc.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope='session')
def seeded(tmp_path_factory):
    """One instance per version seeded through seed.py; each test works on a copy of it."""
    templates = {}

    def get(version):
        if version not in templates:
            templates[version] = StandInOdoo(version, tmp_path_factory.mktemp('template-' + version))
        return templates[version]
    return get


@pytest.fixture(params=VERSIONS)
def odoo(request, tmp_path, seeded):
    instance = StandInOdoo(request.param, tmp_path, template=seeded(request.param))
    yield instance
    instance.close()


@pytest.fixture
def odoo_factory(tmp_path):
    made = []

    def make(version):
        root = tmp_path / version
        root.mkdir()
        instance = StandInOdoo(version, root)
        made.append(instance)
        return instance
    yield make
    for instance in made:
        instance.close()


@pytest.fixture(autouse=True)
def _no_pwned(tmp_path):
    yield
    for place in (tmp_path, Path.cwd(), STANDIN):
        assert not list(Path(place).rglob('PWNED')), 'a hostile string was executed'
    assert not os.path.exists('PWNED')
