"""STAND-IN: odoo.service.security, compute_session_token and check_session as in each version."""
import time

from ..tools import consteq
from ..tools.config import config

MAJOR = config.major


def compute_session_token(session, env):
    user = env['res.users'].browse(session.uid)
    return user._compute_session_token(session.sid)


if MAJOR <= 17:
    def check_session(session, env):
        user = env['res.users'].browse(session.uid)
        expected = user._compute_session_token(session.sid)
        return bool(expected and consteq(expected, session.session_token or ''))

elif MAJOR == 18:
    def check_session(session, env, request=None):
        user = env['res.users'].browse(session.uid)
        expected = user._compute_session_token(session.sid)
        return bool(expected and consteq(expected, session.session_token or ''))

else:
    def check_session(session, env, request=None):
        session._delete_old_sessions()
        # a rotated-away session must not be used again
        if 'deletion_time' in session and session['deletion_time'] <= time.time():
            return False
        user = env['res.users'].browse(session.uid)
        expected = user._compute_session_token(session.sid)
        if expected:
            if consteq(expected, session.session_token or ''):
                return True
            legacy = user._legacy_session_token_hash_compute(session.sid)
            if legacy and consteq(legacy, session.session_token or ''):
                session.session_token = expected
                return True
        return False
