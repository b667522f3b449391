"""STAND-IN: odoo.sql_db, one SQLite file per database instead of PostgreSQL.

<data_dir>/standin-db/<dbname>.sqlite3 holds the few tables the stand-in models need. The schema
and the seed data Odoo would have after installing base + mail are created by ``create_database``
(used by seed.py).
"""
import base64
import hashlib
import fcntl
import os
import re
import sqlite3
import uuid

from .tools.config import config

_DBNAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]*$')  # Odoo's DBNAME_PATTERN, roughly


class OperationalError(Exception):
    """As psycopg2.OperationalError for a database that does not exist."""


def db_path(dbname):
    if not _DBNAME_RE.match(dbname or ''):
        raise OperationalError('invalid database name %r' % (dbname,))
    return os.path.join(config['data_dir'], 'standin-db', dbname + '.sqlite3')


def db_exists(dbname):
    try:
        return os.path.isfile(db_path(dbname))
    except OperationalError:
        return False


_advisory_locks = []  # open lock files: released when the process exits, like a session's locks


class Cursor(object):
    """The part of odoo.sql_db.Cursor the stand-in uses: execute, fetch, commit, rollback."""

    def __init__(self, dbname):
        path = db_path(dbname)
        if not os.path.isfile(path):
            raise OperationalError('FATAL:  database "%s" does not exist' % dbname)
        self.dbname = dbname
        self._cnx = sqlite3.connect(path, timeout=30)
        self._cur = None
        self.closed = False

    def execute(self, query, params=()):
        if query == 'SELECT pg_advisory_lock(%s)':
            return self._advisory_lock(params[0])
        self._cur = self._cnx.execute(query, params)
        return self._cur

    def _advisory_lock(self, key):
        # PostgreSQL's session-level advisory lock, as a file lock per key held until the process ends.
        handle = open('%s.advisory-%d' % (db_path(self.dbname), int(key)), 'a')
        fcntl.flock(handle, fcntl.LOCK_EX)
        _advisory_locks.append(handle)
        self._cur = None
        return None

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    def commit(self):
        self._cnx.commit()

    def rollback(self):
        self._cnx.rollback()

    def close(self):
        if not self.closed:
            self._cnx.rollback()
            self._cnx.close()
            self.closed = True


SCHEMA = """
CREATE TABLE ir_module_module (name TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE ir_config_parameter (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ir_model_data (module TEXT, name TEXT, model TEXT, res_id INTEGER, PRIMARY KEY (module, name));
CREATE TABLE res_lang (code TEXT PRIMARY KEY, name TEXT, active INTEGER NOT NULL);
CREATE TABLE res_partner (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, lang TEXT, tz TEXT,
                          active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE res_users (id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE, password TEXT,
                        active INTEGER NOT NULL DEFAULT 1, share INTEGER NOT NULL DEFAULT 0,
                        partner_id INTEGER NOT NULL REFERENCES res_partner (id));
CREATE TABLE res_groups (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE res_groups_users_rel (gid INTEGER NOT NULL, uid INTEGER NOT NULL, PRIMARY KEY (gid, uid));
CREATE TABLE mail_message_subtype (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE mail_message (id INTEGER PRIMARY KEY, message_type TEXT NOT NULL, subject TEXT, body TEXT,
                           author_id INTEGER, email_from TEXT, model TEXT, res_id INTEGER, record_name TEXT,
                           subtype_id INTEGER, is_internal INTEGER, message_id TEXT, reply_to TEXT,
                           create_date TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE mail_message_res_partner_rel (mail_message_id INTEGER NOT NULL, res_partner_id INTEGER NOT NULL);
CREATE TABLE mail_notification (id INTEGER PRIMARY KEY, mail_message_id INTEGER NOT NULL,
                                res_partner_id INTEGER NOT NULL, notification_type TEXT NOT NULL,
                                notification_status TEXT, is_read INTEGER NOT NULL DEFAULT 0, author_id INTEGER);
CREATE TABLE bus_bus (id INTEGER PRIMARY KEY, channel TEXT NOT NULL, message TEXT NOT NULL,
                      create_date TEXT DEFAULT CURRENT_TIMESTAMP);
"""

GROUPS = [  # id, xml id, name
    (1, 'group_user', 'Internal User'),
    (2, 'group_system', 'Settings'),
    (3, 'group_portal', 'Portal'),
    (4, 'group_public', 'Public'),
]


def hash_password(password, rounds=1000):
    """A passlib-style pbkdf2_sha512 hash, the format Odoo stores in res_users.password.

    (Odoo uses 25000 to 600000 rounds depending on the version; the stand-in uses fewer to stay fast.)
    """
    def ab64(raw):
        return base64.b64encode(raw).decode('ascii').rstrip('=').replace('+', '.')
    salt = os.urandom(16)
    checksum = hashlib.pbkdf2_hmac('sha512', password.encode('utf-8'), salt, rounds)
    return '$pbkdf2-sha512$%d$%s$%s' % (rounds, ab64(salt), ab64(checksum))


def create_database(dbname, with_mail=True):
    """(Re)create a database as base (+ mail) would leave it: company partner, OdooBot, the superuser."""
    path = db_path(dbname)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    cnx = sqlite3.connect(path)
    cnx.executescript(SCHEMA)
    modules = [('base', 'installed')] + ([('bus', 'installed'), ('mail', 'installed')] if with_mail else [])
    cnx.executemany('INSERT INTO ir_module_module VALUES (?, ?)', modules)
    cnx.executemany('INSERT INTO ir_config_parameter VALUES (?, ?)',
                    [('database.secret', str(uuid.uuid4())), ('database.uuid', str(uuid.uuid4()))])
    cnx.executemany('INSERT INTO res_lang VALUES (?, ?, ?)',
                    [('en_US', 'English (US)', 1), ('es_ES', 'Spanish', 1), ('fr_FR', 'French', 0)])
    cnx.execute("INSERT INTO res_partner (id, name, email, lang, tz) VALUES (1, 'My Company', 'info@example.com', 'en_US', 'Europe/Brussels')")
    cnx.execute("INSERT INTO res_partner (id, name, email, lang, tz) VALUES (2, 'OdooBot', 'odoobot@example.com', 'en_US', 'Europe/Brussels')")
    cnx.execute("INSERT INTO res_users (id, login, password, active, share, partner_id) VALUES (1, '__system__', NULL, 0, 0, 2)")
    xmlids = [('base', 'main_partner', 'res.partner', 1), ('base', 'partner_root', 'res.partner', 2),
              ('base', 'user_root', 'res.users', 1)]
    for gid, name, label in GROUPS:
        cnx.execute('INSERT INTO res_groups VALUES (?, ?)', (gid, label))
        xmlids.append(('base', name, 'res.groups', gid))
    cnx.executemany('INSERT INTO res_groups_users_rel VALUES (?, 1)', [(1,), (2,)])
    if with_mail:
        cnx.execute("INSERT INTO mail_message_subtype VALUES (1, 'Note')")
        xmlids.append(('mail', 'mt_note', 'mail.message.subtype', 1))
    cnx.executemany('INSERT INTO ir_model_data VALUES (?, ?, ?, ?)', xmlids)
    cnx.commit()
    cnx.close()


def add_user(cnx, login, name, email=None, password=None, active=True, share=False, admin=False,
             lang='en_US', tz='Europe/Brussels'):
    """Insert a user and its partner; group membership as Odoo computes it (share = not internal)."""
    cur = cnx.execute('INSERT INTO res_partner (name, email, lang, tz, active) VALUES (?, ?, ?, ?, ?)',
                      (name, email, lang, tz, 1 if active else 0))
    partner_id = cur.lastrowid
    cur = cnx.execute('INSERT INTO res_users (login, password, active, share, partner_id) VALUES (?, ?, ?, ?, ?)',
                      (login, hash_password(password) if password else None, 1 if active else 0,
                       1 if share else 0, partner_id))
    uid = cur.lastrowid
    groups = [3] if share else ([1, 2] if admin else [1])  # group_system implies group_user
    cnx.executemany('INSERT INTO res_groups_users_rel VALUES (?, ?)', [(g, uid) for g in groups])
    return uid
