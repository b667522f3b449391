# Connect As: the one script that runs inside a customer's Odoo (13.0 to 19.0).
#
# How it gets there. session-injector opens an SSH channel and runs a FIXED command line,
#     docker exec -i -u odoo CONTAINER /entrypoint.sh odoo shell -d DB --no-http --log-level=warn
# or, for a host install, the configured odoo-bin followed by `shell` and the same options.
# `odoo shell` exec()s whatever arrives on standard input when stdin is not a terminal
# (odoo/cli/shell.py, Shell.console), with `env` (a superuser Environment), `odoo` and `self`
# in the namespace. The Swift side sends
#     CONNECTAS_REQUEST = "<base64 of a UTF-8 JSON object>"\n
# followed by this file, unchanged. Base64 keeps every user-supplied string (login, search
# text, notification body) inside a plain ASCII literal it cannot break out of, and nothing
# user-supplied is ever on the command line.
#
# What comes back. Odoo logs go to stderr. This script prints exactly ONE line on stdout:
#     CONNECTAS-RESULT {"ok": true, ...}
#     CONNECTAS-RESULT {"ok": false, "code": "...", "message": "..."}
# and never exits with an error of its own: failures are results, so the Swift side always has
# a machine-readable code.
#
# Operations (field "op"; full contract with every field and code: Tests/OdooStandIn/README.md):
#   create_session {requestId, user: {id}|{login}, protectAdministrators, forbiddenEmail}
#       -> {sid, userId, login, displayName, email, language, isAdministrator, reused}
#   delete_session {sid}                            -> {deleted}
#   list_users {search?, limit?}  -> {users: [{id, login, displayName, email, language, isAdministrator}], truncated}
#   notify_bell {userId, subject, body, notificationId?} -> {messageId, userId, reused}
# Every success also has odooVersion and odooMajor.
#
# Python: Odoo 13 runs on Python 3.6, so this file must stay 3.6-compatible (no walrus, no
# match, no dict | dict, no `from __future__ import annotations`).
#
# Every Odoo entry point used here was checked in Odoo's sources for 14.0 to 19.0, and for 13.0
# the HTTP/session layer; where 13.0 might differ (has_group) the call is written to work with
# either shape. The comments say where the versions differ.

import base64
import glob
import hashlib
import hmac
import html
import json
import os
import re
import sys
import tempfile
import time

try:  # POSIX only; Odoo on Windows just loses the lock that serialises duplicate requests
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

import odoo  # already in the shell's namespace; the submodules are imported in main()

MARKER = "CONNECTAS-RESULT "
PROTOCOL_VERSION = 1
SUPERUSER_ID = 1  # the __system__ user, never a target (odoo.SUPERUSER_ID up to 18; gone from 19's namespace package)

# Session ids as each version generates them, checked before any path is built from one.
# 13-17: sha1 hex (werkzeug's generate_key); 18-19: 84 URL-safe base64 characters, whose
# first 42 identify the session across 19's soft rotations (odoo/http.py, STORED_SESSION_BYTES).
_SID_HEX40 = re.compile(r"[0-9a-f]{40}")
_SID_B64_84 = re.compile(r"[A-Za-z0-9_-]{84}")
SID_IDENTIFIER_LENGTH = 42

MAX_LOGIN = 256
MAX_SEARCH = 200
MAX_SUBJECT = 255
MAX_BODY = 10000
MAX_SIDS = 64


class Refusal(Exception):
    """A failure with a stable machine-readable code (reported as ok: false)."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code
        self.message = message


# Anything in a message that could be a session id (13-17: 40 hex; 18-19: 84 URL-safe base64, or its
# 42-character identifier), e.g. an OSError's path sessions/ab/<sid>: replaced before the message leaves.
_SID_ANYWHERE = re.compile(
    r"(?<![0-9a-fA-F])[0-9a-fA-F]{40}(?![0-9a-fA-F])"
    r"|(?<![A-Za-z0-9_-])(?:[A-Za-z0-9_-]{84}|[A-Za-z0-9_-]{42})(?![A-Za-z0-9_-])")


def redact(text):
    return _SID_ANYWHERE.sub("[redacted]", text)


def emit(result):
    # One line, ASCII only (ensure_ascii escapes everything else), so a login with a newline
    # in it can never split the result line.
    sys.stdout.write(MARKER + json.dumps(result, sort_keys=True, ensure_ascii=True) + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------------------------------
# Request
# ----------------------------------------------------------------------------------------

def read_request():
    raw = globals().get("CONNECTAS_REQUEST")
    if not isinstance(raw, str):
        raise Refusal("bad_request", "CONNECTAS_REQUEST is missing")
    try:
        payload = base64.b64decode(raw.encode("ascii"), validate=True)
        request = json.loads(payload.decode("utf-8"))
    except ValueError as e:  # binascii.Error, UnicodeError and JSONDecodeError are ValueErrors
        raise Refusal("bad_request", "CONNECTAS_REQUEST is not base64 of UTF-8 JSON (%s)" % type(e).__name__)
    if not isinstance(request, dict):
        raise Refusal("bad_request", "the request must be a JSON object")
    if request.get("v", PROTOCOL_VERSION) != PROTOCOL_VERSION:
        raise Refusal("bad_request", "unsupported protocol version %r" % (request.get("v"),))
    return request


def string_field(request, name, required=True, max_length=None, allow_empty=False):
    value = request.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise Refusal("bad_request", "%s must be a non-empty string" % name)
    if max_length is not None and len(value) > max_length:
        raise Refusal("bad_request", "%s is longer than %d characters" % (name, max_length))
    return value


def int_field(request, name, required=True, default=None, minimum=1, maximum=None):
    value = request.get(name, default)
    if value is None and not required:
        return None
    # bool is an int in Python; true/false is never a valid id
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Refusal("bad_request", "%s must be an integer >= %d" % (name, minimum))
    if maximum is not None and value > maximum:
        raise Refusal("bad_request", "%s must be <= %d" % (name, maximum))
    return value


def bool_field(request, name, default):
    value = request.get(name, default)
    if not isinstance(value, bool):
        raise Refusal("bad_request", "%s must be true or false" % name)
    return value


# ----------------------------------------------------------------------------------------
# Version
# ----------------------------------------------------------------------------------------

def odoo_major():
    # version_info[0] is 17 on 17.0 and 'saas~17' on saas-17.x; both mean the 17 code paths.
    head = str(odoo.release.version_info[0])
    found = re.search(r"(\d+)", head.split("~")[-1])
    major = int(found.group(1)) if found else 0
    if not 13 <= major <= 19:
        raise Refusal("unsupported_version", "Odoo %s is not supported (13.0 to 19.0 are)" % odoo.release.version)
    return major


def version_fields(major):
    return {"odooVersion": str(odoo.release.version), "odooMajor": major}


def valid_sid(major, sid):
    pattern = _SID_B64_84 if major >= 18 else _SID_HEX40
    return isinstance(sid, str) and pattern.fullmatch(sid) is not None


# ----------------------------------------------------------------------------------------
# Users
# ----------------------------------------------------------------------------------------

def all_users():
    # active_test=False so that an inactive user is reported as inactive, not as unknown.
    return env["res.users"].with_context(active_test=False)


def find_user(spec):
    if not isinstance(spec, dict):
        raise Refusal("bad_request", "user must be an object with id or login")
    if spec.get("id") is not None:
        user_id = int_field(spec, "id")
        users = all_users().search([("id", "=", user_id)], limit=1)
        label = "id %d" % user_id
    elif spec.get("login") is not None:
        login = string_field(spec, "login", max_length=MAX_LOGIN)
        # Odoo looks logins up with '=' (res.users._get_login_domain), so do we.
        users = all_users().search([("login", "=", login)], limit=1)
        label = "that login"
    else:
        raise Refusal("bad_request", "user must have id or login")
    if not users:
        raise Refusal("user_not_found", "no Odoo user with %s" % label)
    return users


def check_target(user):
    """The target must be an active internal user other than the superuser."""
    if user.id == SUPERUSER_ID:
        raise Refusal("user_is_superuser", "the superuser (id 1) cannot be targeted")
    if not user.active:
        raise Refusal("user_inactive", "the Odoo user is archived")
    if user.share:
        raise Refusal("user_is_share", "the Odoo user is a portal/public (share) user")


def is_administrator(user):
    # has_group rather than the groups field, which is groups_id up to 18 and group_ids in 19
    # (explicit groups only; implied ones are in all_group_ids). Asked as the user itself: older
    # has_group implementations check the environment's uid rather than the record's.
    return bool(user.with_user(user).has_group("base.group_system"))


def describe(user):
    return {
        "userId": user.id,
        "login": user.login,
        "displayName": user.name or user.login,
        # where the notifier e-mails the user; None when the user has none
        "email": user.email if isinstance(user.email, str) and user.email.strip() else None,
        "isAdministrator": is_administrator(user),
        # the user's own language (e.g. es_ES), which the notifier writes in when it can; None when unset
        "language": user.lang if isinstance(user.lang, str) and user.lang.strip() else None,
    }


def own_account(user, request):
    """True when the target is the Odoo account linked to the actor's own e-mail."""
    forbidden = set()
    for name in ("forbiddenEmail", "forbiddenLogin"):
        value = request.get(name)
        if value is not None and not isinstance(value, str):
            raise Refusal("bad_request", "%s must be a string" % name)
        if value and value.strip():
            forbidden.add(value.strip().casefold())
    mine = set(v.strip().casefold() for v in (user.login, user.email) if isinstance(v, str) and v.strip())
    return bool(forbidden & mine)


# ----------------------------------------------------------------------------------------
# Sessions
# ----------------------------------------------------------------------------------------

def session_store():
    # 13-15: werkzeug FilesystemSessionStore (files sessions/werkzeug_<sid>.sess, pickle);
    # 16-17: Odoo's subclass (sessions/<sid[:2]>/<sid>, pickle); 18-19: same layout, JSON.
    # Its path is config.session_dir = <data_dir>/sessions of the running Odoo.
    return odoo.http.root.session_store


def session_context(major, user):
    # context_get() reads self.env.user, not self: run it as the target user, or the session
    # would carry the superuser's language and time zone.
    context = dict(user.with_user(user).context_get())
    if major <= 15:
        # OpenERPSession.get_context() (13-15) adds uid and fixes the language for the web client.
        context["uid"] = user.id
        lang = context.get("lang")
        if lang == "ar_AR":
            lang = "ar"
        try:
            import babel.core
            lang = babel.core.LOCALE_ALIASES.get(lang, lang)
        except ImportError:  # pragma: no cover - babel ships with Odoo
            pass
        context["lang"] = lang or "en_US"
    # 16-19: context_get() already carries uid and an installed lang (Session.finalize uses it as is).
    return context


def create_odoo_session(major, store, user):
    """A logged-in web session, as Odoo's own login would leave it."""
    session = store.new()
    if major >= 16:
        # 16+ start every session from get_default_session() (19 adds create_time, used to
        # rotate the session every 3 hours).
        session.update(odoo.http.get_default_session())
    session["db"] = env.cr.dbname
    session["uid"] = user.id
    session["login"] = user.login
    session["context"] = session_context(major, user)
    session["debug"] = ""
    # HMAC of the sid keyed by the user's id, login, password hash, active flag (plus 2FA /
    # passkey fields where installed) and database.secret: computed here, never sent anywhere.
    session["session_token"] = odoo.service.security.compute_session_token(session, env)
    store.save(session)
    return session.sid


def live_session(major, store, sid, user):
    """The sid of the still-valid session recorded for a request, or None.

    On 19 a session older than 3 hours is rotated softly: same 42-character prefix, new tail,
    old file marked with next_sid/deletion_time and removed later. Follow it to the current one.
    """
    candidates = [sid]
    if major >= 18:
        prefix = os.path.join(store.path, sid[:2], glob.escape(sid[:SID_IDENTIFIER_LENGTH]) + "*")
        candidates += sorted(os.path.basename(p) for p in glob.glob(prefix) if os.path.basename(p) != sid)
    for candidate in candidates:
        if not valid_sid(major, candidate) or not os.path.isfile(store.get_session_filename(candidate)):
            continue
        session = store.get(candidate)
        if session.sid != candidate:  # the store hands out a fresh session when the file vanished
            continue
        if session.get("next_sid") or session.get("deletion_time"):
            continue
        if not session.get("uid"):  # logged out
            continue
        if session.get("db") != env.cr.dbname or session.get("uid") != user.id:
            raise Refusal("request_conflict", "this requestId already has a session for another user")
        expected = odoo.service.security.compute_session_token(session, env)
        stored = session.get("session_token")
        if expected and isinstance(stored, str) and \
                hmac.compare_digest(expected.encode("utf-8"), stored.encode("utf-8")):
            return candidate
    return None


class RequestIndex(object):
    """<session dir>/connectas/<sha256(db, requestId)> holds the sid issued for a request.

    It makes create_session idempotent: a re-run returns the same session. It sits in the session
    directory so it has the Odoo user as owner. Entries are kept for INDEX_LIFETIME, far longer
    than any Connect As session (16+ vacuum '*/*' after 7 days too; 13-15 would not). An
    exclusive lock serialises concurrent duplicates.
    """
    INDEX_LIFETIME = 8 * 24 * 3600

    def __init__(self, store, request_id):
        key = hashlib.sha256(("%s\n%s" % (env.cr.dbname, request_id)).encode("utf-8")).hexdigest()
        self.directory = os.path.join(store.path, "connectas")
        self.path = os.path.join(self.directory, key)
        self.lock_file = None

    def __enter__(self):
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, 0o700, exist_ok=True)
        self.lock_file = open(self.path + ".lock", "a")
        if fcntl is not None:
            fcntl.flock(self.lock_file.fileno(), fcntl.LOCK_EX)
        self.prune()
        return self

    def prune(self):
        threshold = time.time() - self.INDEX_LIFETIME
        mine = os.path.basename(self.path)
        for name in os.listdir(self.directory):
            if name.startswith(mine):
                continue
            path = os.path.join(self.directory, name)
            try:
                if os.path.getmtime(path) < threshold:
                    os.unlink(path)
            except OSError:  # removed meanwhile by another run
                pass

    def __exit__(self, *exc):
        self.lock_file.close()  # closing releases the lock
        return False

    def read(self):
        try:
            with open(self.path, "r") as f:
                return f.read().strip() or None
        except (IOError, OSError):
            return None

    def write(self, sid):
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        with os.fdopen(fd, "w") as f:
            f.write(sid + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)


def op_create_session(major, request):
    request_id = string_field(request, "requestId", max_length=200)
    protect_admins = bool_field(request, "protectAdministrators", True)
    user = find_user(request.get("user"))
    check_target(user)
    if own_account(user, request):
        raise Refusal("own_account", "the actor may not target the Odoo account linked to their own e-mail")
    if protect_admins and is_administrator(user):
        raise Refusal("administrator_protected", "administrators are protected in this organisation")

    store = session_store()
    with RequestIndex(store, request_id) as index:
        recorded = index.read()
        if recorded is not None:
            sid = live_session(major, store, recorded, user) if valid_sid(major, recorded) else None
            if sid is None:
                # Ended, revoked or invalidated (password/login/active changed): never re-create
                # a session for a request that already had one.
                raise Refusal("session_gone", "the session issued for this request no longer exists")
            if sid != recorded:
                index.write(sid)
            reused = True
        else:
            # Save the session first, then the index: a crash in between leaves an unused
            # session nobody knows (Odoo drops it after 7 days idle), never an index that lies.
            sid = create_odoo_session(major, store, user)
            index.write(sid)
            reused = False

    result = {"ok": True, "sid": sid, "reused": reused}
    result.update(describe(user))
    result.update(version_fields(major))
    return result


def op_delete_session(major, request):
    sid = request.get("sid")
    check_sid(major, sid)
    result = {"ok": True, "deleted": delete_one(major, session_store(), sid)}
    result.update(version_fields(major))
    return result


def op_delete_sessions(major, request):
    """Several sessions in one run: the timer's expiries and second deletes pay Odoo's start-up once per server,
    not once per session. Every id is checked before anything is deleted."""
    sids = request.get("sids")
    if not isinstance(sids, list) or not 1 <= len(sids) <= MAX_SIDS:
        raise Refusal("bad_request", "sids must be a list of 1 to %d session ids" % MAX_SIDS)
    for sid in sids:
        check_sid(major, sid)
    store = session_store()
    result = {"ok": True, "deleted": [delete_one(major, store, sid) for sid in sids]}
    result.update(version_fields(major))
    return result


def check_sid(major, sid):
    if not valid_sid(major, sid):
        # Checked before any path is built from it: nothing outside the store can be named.
        raise Refusal("bad_request", "sid is not a session id of Odoo %d" % major)


def delete_one(major, store, sid):
    """Deletes one session; whether it existed. Deleting a missing session succeeds."""
    if major >= 18:
        # delete_from_identifiers removes every file of the session, rotated copies included.
        pattern = os.path.join(store.path, sid[:2], glob.escape(sid[:SID_IDENTIFIER_LENGTH]) + "*")
        existed = bool(glob.glob(pattern))
        store.delete_from_identifiers([sid[:SID_IDENTIFIER_LENGTH]])
        remaining = bool(glob.glob(pattern))
    else:
        # store.get() of a missing session returns a new, unsaved one: deleting it is a no-op.
        path = store.get_session_filename(sid)
        existed = os.path.isfile(path)
        store.delete(store.get(sid))
        remaining = os.path.isfile(path)
    if remaining:
        raise Refusal("delete_failed", "the session file is still there after deleting it")
    return existed


# ----------------------------------------------------------------------------------------
# Users list and bell
# ----------------------------------------------------------------------------------------

def op_list_users(major, request):
    search = string_field(request, "search", required=False, max_length=MAX_SEARCH, allow_empty=True)
    limit = int_field(request, "limit", required=False, default=200, maximum=1000)
    domain = [("share", "=", False), ("id", "!=", SUPERUSER_ID)]  # active ones: active_test
    if search and search.strip():
        text = search.strip()
        domain += ["|", "|", ("login", "ilike", text), ("name", "ilike", text), ("email", "ilike", text)]
    users = env["res.users"].search(domain, limit=limit + 1)  # res.users _order: name, login
    listed = []
    for user in users[:limit]:
        entry = describe(user)
        entry["id"] = entry.pop("userId")
        listed.append(entry)
    result = {"ok": True, "users": listed, "truncated": len(users) > limit}
    result.update(version_fields(major))
    return result


def op_notify_bell(major, request):
    user_id = int_field(request, "userId")
    subject = string_field(request, "subject", max_length=MAX_SUBJECT)
    body = string_field(request, "body", max_length=MAX_BODY)
    notification_id = string_field(request, "notificationId", required=False, max_length=200)
    if "mail.message" not in env:
        raise Refusal("mail_not_installed", "the Discuss (mail) module is not installed")

    Message = env["mail.message"]
    # Exactly once: a deterministic Message-ID, written in the same transaction as the message.
    message_id = None
    if notification_id:
        digest = hashlib.sha256(("%s\n%s" % (env.cr.dbname, notification_id)).encode("utf-8")).hexdigest()
        message_id = "<connectas-%s@connectas.invalid>" % digest[:40]
        # Two runs for one notification (a retry while a timed-out run still goes on) must not both post: a lock
        # on the id, held until this process ends, then a fresh snapshot that sees what the other run committed.
        # Checked before the user, so a repeat of a delivered notice says so even if the user changed since.
        env.cr.execute("SELECT pg_advisory_lock(%s)", (int(digest[:15], 16),))
        env.cr.commit()
        existing = Message.search([("message_id", "=", message_id)], limit=1)
        if existing:
            result = {"ok": True, "messageId": existing.id, "userId": user_id, "reused": True}
            result.update(version_fields(major))
            return result
    user = find_user({"id": user_id})
    check_target(user)

    partner = user.partner_id
    odoobot = env.ref("base.partner_root")
    subtype = env.ref("mail.mt_note", raise_if_not_found=False)
    # The body is plain text: escape it, so nothing in it is ever HTML.
    body_html = "<p>%s</p>" % html.escape(body).replace("\n", "<br/>")
    values = {
        "message_type": "user_notification",
        "subject": subject,
        "body": body_html,
        "author_id": odoobot.id,
        "email_from": odoobot.email_formatted or False,
        "model": False,
        "res_id": False,
        "record_name": False,
        "partner_ids": [(6, 0, [partner.id])],
        "subtype_id": subtype.id if subtype else False,
    }
    if message_id:
        values["message_id"] = message_id
    values["is_internal"] = True  # employee-only, like message_notify (14+)
    # Leave out what this version's mail.message does not have (create() refuses unknown fields).
    for optional in ("is_internal", "record_name"):
        if optional not in Message._fields:
            del values[optional]
    message = Message.create(values)

    # Inbox only, whatever the user's notification preference (message_notify would e-mail
    # users who chose "by e-mail"). One recipient record with every key the versions read.
    recipient = {
        "id": partner.id, "uid": user.id, "notif": "inbox", "active": True, "share": False,
        "ushare": False, "type": "user", "is_follower": False, "groups": [], "lang": partner.lang,
    }
    msg_vals = dict(values, partner_ids=[partner.id])
    Thread = env["mail.thread"]
    if major >= 16:
        Thread._notify_thread_by_inbox(message, [recipient], msg_vals=msg_vals)
    elif major == 15:
        Thread._notify_record_by_inbox(message, [recipient], msg_vals=msg_vals)
    else:
        # 13-14 take {'partners': [...], 'channels': [...]} instead of a list.
        Thread._notify_record_by_inbox(message, {"partners": [recipient], "channels": []}, msg_vals=msg_vals)
    # The shell rolls back when the script ends; the running server pushes the bus message on commit.
    env.cr.commit()
    result = {"ok": True, "messageId": message.id, "userId": user.id, "reused": False}
    result.update(version_fields(major))
    return result


OPERATIONS = {
    "create_session": op_create_session,
    "delete_session": op_delete_session,
    "delete_sessions": op_delete_sessions,
    "list_users": op_list_users,
    "notify_bell": op_notify_bell,
}


def load_odoo():
    # Imported here, not at the top, so that even a failing import becomes a result line.
    # 17+ no longer import odoo.http from odoo/__init__.py, and 19 has no odoo/__init__.py at all
    # (odoo is a namespace package; odoo.SUPERUSER_ID is gone): import what is used explicitly.
    import odoo.http  # noqa: F401
    import odoo.release  # noqa: F401
    import odoo.service.security  # noqa: F401


def main():
    try:
        load_odoo()
        request = read_request()
        operation = OPERATIONS.get(request.get("op"))
        if operation is None:
            raise Refusal("bad_request", "unknown op %r" % (request.get("op"),))
        result = operation(odoo_major(), request)
    except Refusal as refusal:
        result = {"ok": False, "code": refusal.code, "message": redact(refusal.message)}
    except Exception as e:  # anything else: its class and message, never a traceback
        try:
            env.cr.rollback()
        except Exception:
            pass
        result = {"ok": False, "code": "internal", "message": redact("%s: %s" % (type(e).__name__, e))[:500]}
    emit(result)


main()
