"""STAND-IN: odoo.http, the session store in the real on-disk format of the configured version.

* 13-15: werkzeug's FilesystemSessionStore: ``sessions/werkzeug_<sid>.sess``, a pickle of the
  session dict, sid = 40 hex (sha1), OpenERPSession (a dict with attribute access).
* 16-17: Odoo's subclass: ``sessions/<sid[:2]>/<sid>``, pickle, sid = 40 hex; Session is a
  MutableMapping; get_default_session().
* 18-19: same layout, JSON, sid = 84 URL-safe base64 characters (sha512 digest minus its last
  byte), delete_from_identifiers() by 42-character prefix; 19 adds create_time, soft rotation
  every 3 hours and delete_old_sessions().

Read from Odoo's odoo/http.py and odoo/tools/_vendor/sessions.py of each version; written anew.
"""
import base64
import collections.abc
import contextlib
import glob
import json
import os
import pickle
import re
import tempfile
import time
from hashlib import sha1, sha512

from .tools.config import config

MAJOR = config.major

SESSION_LIFETIME = 60 * 60 * 24 * 7
SESSION_ROTATION_INTERVAL = 60 * 60 * 3  # 19
SESSION_DELETION_TIMER = 120  # 19
STORED_SESSION_BYTES = 42

_sha1_re = re.compile(r'^[a-f0-9]{40}$')
_base64_urlsafe_re = re.compile(r'^[A-Za-z0-9_-]{84}$')
_session_identifier_re = re.compile(r'^[A-Za-z0-9_-]{%d}$' % STORED_SESSION_BYTES)
_fs_transaction_suffix = '.__wz_sess'


def _roundtrip(value):
    # 16-17 pickle every value on assignment, 18-19 JSON: what cannot be stored fails at once.
    if MAJOR >= 18:
        return json.loads(json.dumps(value))
    return pickle.loads(pickle.dumps(value))


if MAJOR <= 15:
    class OpenERPSession(dict):
        """werkzeug.contrib.sessions.Session + Odoo's OpenERPSession (13-15)."""
        _ATTRS = ('sid', 'new', 'modified', 'rotate', 'inited')

        def __init__(self, data, sid, new=False):
            object.__setattr__(self, 'inited', False)
            dict.__init__(self, data)
            object.__setattr__(self, 'sid', sid)
            object.__setattr__(self, 'new', new)
            object.__setattr__(self, 'rotate', False)
            self._default_values()
            object.__setattr__(self, 'modified', False)
            object.__setattr__(self, 'inited', True)

        def __getattr__(self, attr):
            return self.get(attr, None)

        def __setattr__(self, key, value):
            if key in self._ATTRS:
                object.__setattr__(self, key, value)
            else:
                self[key] = value

        def __setitem__(self, key, value):
            dict.__setitem__(self, key, value)
            object.__setattr__(self, 'modified', True)

        def _default_values(self):
            for key, value in (('db', None), ('uid', None), ('login', None), ('session_token', None),
                               ('context', {}), ('debug', '')):
                self.setdefault(key, value)

    Session = OpenERPSession

else:
    def get_default_session():
        session = {
            'context': {},
            'db': None,
            'debug': '',
            'login': None,
            'uid': None,
            'session_token': None,
        }
        if MAJOR >= 18:
            session['_trace'] = []
        if MAJOR >= 19:
            session['create_time'] = time.time()
        return session

    class Session(collections.abc.MutableMapping):
        """odoo.http.Session (16+)."""
        __slots__ = ('can_save', '_Session__data', 'is_dirty', 'is_new', 'should_rotate', 'sid')

        def __init__(self, data, sid, new=False):
            self.can_save = True
            self.__data = {}
            self.update(data)
            self.is_dirty = False
            self.is_new = new
            self.should_rotate = False
            self.sid = sid

        def __getitem__(self, item):
            return self.__data[item]

        def __setitem__(self, item, value):
            value = _roundtrip(value)
            if item not in self.__data or self.__data[item] != value:
                self.is_dirty = True
            self.__data[item] = value

        def __delitem__(self, item):
            del self.__data[item]
            self.is_dirty = True

        def __len__(self):
            return len(self.__data)

        def __iter__(self):
            return iter(self.__data)

        if MAJOR <= 18:
            # 16-18: any key reads as an attribute (None when missing)
            def __getattr__(self, attr):
                return self.get(attr, None)

            def __setattr__(self, key, value):
                if key in self.__slots__:
                    super().__setattr__(key, value)
                else:
                    self[key] = value
        else:
            # 19: only these six are properties; other keys are items only
            uid = property(lambda s: s.get('uid'), lambda s, v: s.__setitem__('uid', v))
            db = property(lambda s: s.get('db'), lambda s, v: s.__setitem__('db', v))
            login = property(lambda s: s.get('login'), lambda s, v: s.__setitem__('login', v))
            context = property(lambda s: s.get('context'), lambda s, v: s.__setitem__('context', v))
            debug = property(lambda s: s.get('debug'), lambda s, v: s.__setitem__('debug', v))
            session_token = property(lambda s: s.get('session_token'),
                                     lambda s, v: s.__setitem__('session_token', v))

            def _delete_old_sessions(self):
                root.session_store.delete_old_sessions(self)


class FilesystemSessionStore(object):
    """The filesystem session store of the configured version."""
    filename_template = 'werkzeug_%s.sess'

    def __init__(self, path, session_class=Session, renew_missing=False, mode=0o644):
        self.path = path
        self.session_class = session_class
        self.renew_missing = renew_missing
        self.mode = mode

    def is_valid_key(self, key):
        pattern = _base64_urlsafe_re if MAJOR >= 18 else _sha1_re
        return isinstance(key, str) and pattern.match(key) is not None

    def generate_key(self, salt=None):
        if MAJOR >= 18:
            key = str(time.time()).encode() + os.urandom(64)
            return base64.urlsafe_b64encode(sha512(key).digest()[:-1]).decode('utf-8')
        salt = repr(salt).encode('ascii') if salt is None else salt
        return sha1(b''.join([salt, str(time.time()).encode('ascii'), os.urandom(30)])).hexdigest()

    def get_session_filename(self, sid):
        if MAJOR <= 15:
            return os.path.join(self.path, self.filename_template % sid)
        if MAJOR != 17 and not self.is_valid_key(sid):  # the 17.0 source read has no such check
            raise ValueError('Invalid session id %r' % (sid,))
        return os.path.join(self.path, sid[:2], sid)

    def new(self):
        return self.session_class({}, self.generate_key(), True)

    def save(self, session):
        filename = self.get_session_filename(session.sid)
        if MAJOR >= 16:
            with contextlib.suppress(OSError):
                os.mkdir(os.path.dirname(filename), 0o755)
        fd, tmp = tempfile.mkstemp(suffix=_fs_transaction_suffix, dir=self.path)
        if MAJOR >= 18:
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                json.dump(dict(session), f)
        else:
            with os.fdopen(fd, 'wb') as f:
                pickle.dump(dict(session), f, pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, filename)
        os.chmod(filename, self.mode)

    def delete(self, session):
        with contextlib.suppress(OSError):
            os.unlink(self.get_session_filename(session.sid))

    def get(self, sid):
        if not self.is_valid_key(sid):
            return self.new()
        try:
            f = open(self.get_session_filename(sid), 'r' if MAJOR >= 18 else 'rb')
        except OSError:
            if self.renew_missing:
                return self.new()
            data = {}
        else:
            with f:
                try:
                    data = json.load(f) if MAJOR >= 18 else pickle.load(f)
                except Exception:
                    data = {}
        return self.session_class(data, sid, False)

    if MAJOR >= 18:
        def get_missing_session_identifiers(self, identifiers):
            identifiers = set(identifiers)
            for directory in {os.path.normpath(os.path.join(self.path, i[:2])) for i in identifiers}:
                with contextlib.suppress(OSError), os.scandir(directory) as files:
                    identifiers.difference_update(f.name[:STORED_SESSION_BYTES] for f in files)
            return identifiers

        def delete_from_identifiers(self, identifiers):
            files_to_unlink = []
            for identifier in identifiers:
                if not _session_identifier_re.match(identifier):
                    if MAJOR >= 19:
                        raise ValueError('Identifier format incorrect, did you pass in a string instead of a list?')
                    continue
                normalized = os.path.normpath(os.path.join(self.path, identifier[:2], identifier + '*'))
                if normalized.startswith(self.path):
                    files_to_unlink.extend(glob.glob(normalized))
            for filename in files_to_unlink:
                with contextlib.suppress(OSError):
                    os.unlink(filename)

    if MAJOR >= 19:
        def delete_old_sessions(self, session):
            if 'gc_previous_sessions' in session:
                if session['create_time'] + SESSION_DELETION_TIMER < time.time():
                    self.delete_from_identifiers([session.sid[:STORED_SESSION_BYTES]])
                    del session['gc_previous_sessions']
                    self.save(session)

        def rotate(self, session, env, soft=False):
            """19's rotation; soft keeps the 42-character identifier (used every 3 hours)."""
            from .service import security
            if soft:
                static = session.sid[:STORED_SESSION_BYTES]
                recent = self.get(session.sid)
                if 'next_sid' in recent:
                    session.sid = recent['next_sid']
                    return
                next_sid = static + self.generate_key()[STORED_SESSION_BYTES:]
                session['next_sid'] = next_sid
                session['deletion_time'] = time.time() + SESSION_DELETION_TIMER
                self.save(session)
                session['gc_previous_sessions'] = True
                session.sid = next_sid
                del session['deletion_time']
                del session['next_sid']
            else:
                self.delete(session)
                session.sid = self.generate_key()
            if session.uid:
                session.session_token = security.compute_session_token(session, env)
            session.should_rotate = False
            session['create_time'] = time.time()
            self.save(session)


class _Root(object):
    """odoo.http.root (Root in 13-15, Application in 16+): only session_store."""

    def __init__(self):
        self._session_store = None

    @property
    def session_store(self):
        if self._session_store is None:
            self._session_store = FilesystemSessionStore(config.session_dir, session_class=Session,
                                                         renew_missing=True)
        return self._session_store


root = _Root()
