#!/usr/bin/env python3
"""STAND-IN for tests: a tiny HTTP server that accepts a session cookie exactly as Odoo would.

  http_check.py -c odoo.conf [--host 127.0.0.1] [--port 0]

Serves one data_dir on a loopback address and prints "LISTENING http://HOST:PORT" once ready.
Any GET (or HEAD) reads ONLY the ``session_id`` cookie (never a query parameter: Odoo 16-19 read
the cookie only) and loads the session from the stand-in's session store. It is accepted when,
as in Odoo: the sid is well-formed, the session exists and has a uid and a db, the db exists,
and ``check_session`` holds (session_token equals the token recomputed from the user's current
id/login/password/active and database.secret, compared in constant time; on 19 also not a
rotated-away session). Then 200 with {"uid", "login", "db"}; otherwise 303 to /web/login.

Like Odoo 16+, a refused session is logged out: its file is removed (Odoo rotates it into an
anonymous one). Like Odoo 19, a session older than 3 hours is rotated softly and the response
sets the new cookie.
"""
import argparse
import contextlib
import json
import os
import socket
import sys
import time
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

sys.dont_write_bytecode = True  # keep the stand-in folder clean wherever it is run from
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

LOOPBACK = ('127.0.0.1', '::1', 'localhost')


def authenticate(sid):
    """What Odoo would do with this cookie value: None (refused) or ({uid, login, db}, new sid or None)."""
    from odoo import api, http, sql_db
    from odoo.service import security
    from odoo.tools.config import config

    store = http.root.session_store
    if not sid or not store.is_valid_key(sid):
        return None
    session = store.get(sid)
    if session.sid != sid:  # no such session: the store hands out a new, anonymous one
        return None
    uid, db = session.get('uid'), session.get('db')
    if not uid or not db or not sql_db.db_exists(db):
        return None
    cr = sql_db.Cursor(db)
    try:
        env = api.Environment(cr, uid, session.get('context') or {})
        if not security.check_session(session, env):
            if config.major >= 16:
                store.delete(session)  # session.logout(keep_db=True) + rotation: the old sid is gone
            return None
        login = env['res.users'].browse(uid).login
        new_sid = None
        if config.major >= 19 and time.time() >= session['create_time'] + http.SESSION_ROTATION_INTERVAL:
            store.rotate(session, env, soft=True)
            new_sid = session.sid
        elif getattr(session, 'is_dirty', False):  # 19 upgraded a legacy token
            store.save(session)
        return {'uid': uid, 'login': login, 'db': db}, new_sid
    finally:
        cr.close()


class Handler(BaseHTTPRequestHandler):
    server_version = 'OdooStandIn/1'
    verbose = False

    def session_cookie(self):
        try:
            cookie = SimpleCookie(self.headers.get('Cookie', ''))
        except CookieError:
            return None
        morsel = cookie.get('session_id')
        return morsel.value if morsel else None

    def do_GET(self, head=False):
        result = authenticate(self.session_cookie())
        if result is None:
            self.send_response(303)
            self.send_header('Location', '/web/login?redirect=%s' % quote(self.path, safe=''))
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        info, new_sid = result
        body = json.dumps(info).encode('utf-8')
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        if new_sid:
            self.send_header('Set-Cookie', 'session_id=%s; HttpOnly; Path=/; Max-Age=604800' % new_sid)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET(head=True)

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write('http_check: %s\n' % (fmt % args))


def main():
    parser = argparse.ArgumentParser(description='Odoo stand-in session check (tests only)')
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--verbose', action='store_true')
    args = parser.parse_args()
    if args.host not in LOOPBACK:
        sys.exit('http_check.py serves loopback addresses only')
    from odoo.tools.config import config
    config.parse_config(['-c', args.config])
    Handler.verbose = args.verbose
    ThreadingHTTPServer.address_family = socket.AF_INET6 if ':' in args.host else socket.AF_INET
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print('LISTENING http://%s:%d' % (args.host, server.server_address[1]), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == '__main__':
    main()
