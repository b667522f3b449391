"""The production script (connectas_shell.py), run unchanged the way session-injector runs it,
against the Odoo stand-in of each version from 13.0 to 19.0."""
import ast
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time

import pytest

from conftest import DB, HOSTILE, ODOO_BIN, SCRIPT, build_stdin, parse_result

SID_RE = {False: re.compile(r'^[0-9a-f]{40}$'), True: re.compile(r'^[A-Za-z0-9_-]{84}$')}


def create(odoo, request_id='req-1', user=None, **extra):
    request = {'op': 'create_session', 'requestId': request_id, 'user': user or {'login': 'alice'},
               'protectAdministrators': True, 'forbiddenEmail': 'support@platform.example'}
    request.update(extra)
    return odoo.run(request)


# ---------------------------------------------------------------------------------------------
# create_session
# ---------------------------------------------------------------------------------------------

def test_create_session_writes_the_real_format_and_the_cookie_is_accepted(odoo):
    result = create(odoo)
    assert result['ok'] is True, result
    sid = result['sid']
    assert SID_RE[odoo.major >= 18].match(sid)
    assert result['userId'] == odoo.ids['alice']
    assert result['login'] == 'alice'
    assert result['displayName'] == 'Alice Ortega'
    assert result['email'] == 'Alice@Example.com'
    assert result['language'] == 'es_ES'  # the notifier writes to her in her own language
    assert result['isAdministrator'] is False
    assert result['odooVersion'] == odoo.version and result['odooMajor'] == odoo.major
    assert result['reused'] is False

    # The file is where this version's Odoo keeps it, in its format (pickle up to 17, JSON from 18).
    path = odoo.session_path(sid)
    assert path.is_file()
    if odoo.major >= 18:
        assert path.read_bytes().startswith(b'{')
    else:
        assert path.read_bytes()[:1] == b'\x80'  # a pickle
    data = odoo.read_session(sid)
    assert data['db'] == DB
    assert data['uid'] == odoo.ids['alice']
    assert data['login'] == 'alice'
    assert data['debug'] == ''
    assert re.match(r'^[0-9a-f]{64}$', data['session_token'])
    # The TARGET user's context (not the superuser's), with uid (13-15 via get_context, 16+ context_get).
    assert data['context'] == {'lang': 'es_ES', 'tz': 'America/Bogota', 'uid': odoo.ids['alice']}
    if odoo.major >= 19:
        assert abs(data['create_time'] - time.time()) < 120
    assert odoo.session_files() == [path]

    status, body, _ = odoo.get('/web', sid=sid)
    assert status == 200
    assert body == {'uid': odoo.ids['alice'], 'login': 'alice', 'db': DB}


def test_the_sid_is_never_accepted_from_the_url(odoo):
    sid = create(odoo)['sid']
    status, _, headers = odoo.get('/web?session_id=%s' % sid)
    assert status == 303 and headers['Location'].startswith('/web/login')
    status, _, _ = odoo.get('/web', sid='0' * 40)
    assert status == 303


def test_create_by_id_and_administrator_when_not_protected(odoo):
    result = create(odoo, user={'id': odoo.ids['admin']}, protectAdministrators=False)
    assert result['ok'] is True, result
    assert result['isAdministrator'] is True and result['login'] == 'admin'
    assert odoo.get('/web', sid=result['sid'])[1]['login'] == 'admin'


def test_create_session_is_idempotent_by_request_id(odoo):
    first = create(odoo, request_id='req-42')
    again = create(odoo, request_id='req-42')
    assert again['ok'] is True and again['sid'] == first['sid'] and again['reused'] is True
    assert len(odoo.session_files()) == 1
    other = create(odoo, request_id='req-43')
    assert other['sid'] != first['sid'] and other['reused'] is False
    assert len(odoo.session_files()) == 2


def test_concurrent_duplicates_get_one_session(odoo_factory):
    odoo = odoo_factory('18.0')
    stdin = build_stdin({'op': 'create_session', 'requestId': 'req-race', 'user': {'login': 'alice'}})
    procs = [subprocess.Popen(odoo.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(4)]
    results = [parse_result(p.communicate(stdin, timeout=60)[0]) for p in procs]
    assert len({r['sid'] for r in results}) == 1 and all(r['ok'] for r in results)
    assert sorted(r['reused'] for r in results) == [False, True, True, True]
    assert len(odoo.session_files()) == 1


def test_old_request_index_entries_are_pruned(odoo_factory):
    odoo = odoo_factory('13.0')  # Odoo 13-15 never vacuum sub-directories of the session store
    create(odoo, request_id='req-old')
    index = odoo.sessions / 'connectas'
    old = time.time() - 9 * 24 * 3600
    for entry in index.iterdir():
        os.utime(str(entry), (old, old))
    create(odoo, request_id='req-new')
    assert len([e for e in index.iterdir() if not e.name.endswith('.lock')]) == 1


def test_a_request_id_is_not_reused_for_another_user(odoo):
    create(odoo, request_id='req-x')
    result = create(odoo, request_id='req-x', user={'login': 'dave@corp.example'})
    assert result == {'ok': False, 'code': 'request_conflict', 'message': result['message']}


def test_a_deleted_request_is_never_re_created(odoo):
    sid = create(odoo, request_id='req-gone')['sid']
    assert odoo.run({'op': 'delete_session', 'sid': sid})['deleted'] is True
    result = create(odoo, request_id='req-gone')
    assert result['ok'] is False and result['code'] == 'session_gone'
    assert odoo.session_files() == []


# ---------------------------------------------------------------------------------------------
# delete_session
# ---------------------------------------------------------------------------------------------

def test_delete_session_signs_out_and_is_idempotent(odoo):
    sid = create(odoo)['sid']
    assert odoo.get('/web', sid=sid)[0] == 200
    result = odoo.run({'op': 'delete_session', 'sid': sid})
    assert result['ok'] is True and result['deleted'] is True
    assert not odoo.session_path(sid).exists()
    status, _, headers = odoo.get('/web', sid=sid)
    assert status == 303 and headers['Location'].startswith('/web/login')
    again = odoo.run({'op': 'delete_session', 'sid': sid})
    assert again['ok'] is True and again['deleted'] is False


@pytest.mark.parametrize('sid', ['../../../etc/passwd', '', 'A' * 40, 'g' * 40, 'a' * 41, 'a' * 84 + '/',
                                 'a' * 83 + '*', 'x' * 42, None, 12])
def test_delete_session_refuses_malformed_sids(odoo, sid):
    keep = create(odoo)['sid']
    result = odoo.run({'op': 'delete_session', 'sid': sid})
    assert result['ok'] is False and result['code'] == 'bad_request'
    assert odoo.session_path(keep).is_file()


def test_delete_session_refuses_the_other_generations_sid(odoo):
    other = 'a' * 84 if odoo.major <= 17 else 'a' * 40
    result = odoo.run({'op': 'delete_session', 'sid': other})
    assert result['ok'] is False and result['code'] == 'bad_request'


def test_delete_sessions_deletes_several_in_one_run(odoo):
    sids = [create(odoo, request_id='req-batch-%d' % i)['sid'] for i in range(3)]
    keep = create(odoo, request_id='req-batch-keep')['sid']
    gone = sids[0]
    assert odoo.run({'op': 'delete_session', 'sid': gone})['deleted'] is True
    result = odoo.run({'op': 'delete_sessions', 'sids': sids})
    assert result['ok'] is True and result['deleted'] == [False, True, True]
    for sid in sids:
        assert not odoo.session_path(sid).exists()
        assert odoo.get('/web', sid=sid)[0] == 303
    assert odoo.get('/web', sid=keep)[0] == 200
    assert odoo.run({'op': 'delete_sessions', 'sids': sids})['deleted'] == [False, False, False]


def test_delete_sessions_checks_every_id_before_deleting_any(odoo):
    keep = create(odoo)['sid']
    for sids in ([], 'abc', None, [keep, '../../../etc/passwd'], [keep, None], [keep] * 65):
        result = odoo.run({'op': 'delete_sessions', 'sids': sids})
        assert result['ok'] is False and result['code'] == 'bad_request', sids
        assert odoo.session_path(keep).is_file()


def test_version_19_soft_rotation_is_followed(odoo_factory):
    odoo = odoo_factory('19.0')
    sid = create(odoo, request_id='req-rot')['sid']
    # Make the session 4 hours old: Odoo 19 rotates it on the next request, keeping the prefix.
    path = odoo.session_path(sid)
    data = json.loads(path.read_text())
    data['create_time'] -= 4 * 3600
    path.write_text(json.dumps(data))
    status, _, headers = odoo.get('/web', sid=sid)
    assert status == 200
    new_sid = re.search(r'session_id=([A-Za-z0-9_-]+)', headers['Set-Cookie']).group(1)
    assert new_sid != sid and new_sid[:42] == sid[:42]
    assert odoo.get('/web', sid=new_sid)[0] == 200
    # Re-running the request finds the rotated session, not the one about to be deleted.
    again = create(odoo, request_id='req-rot')
    assert again['ok'] is True and again['sid'] == new_sid and again['reused'] is True
    # Deleting by the original sid removes both files (same 42-character identifier).
    assert odoo.run({'op': 'delete_session', 'sid': sid}) ['deleted'] is True
    assert odoo.session_files() == []
    assert odoo.get('/web', sid=new_sid)[0] == 303


# ---------------------------------------------------------------------------------------------
# credentials changes invalidate the session by themselves
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('change', [{'password': 'a-new-password'}, {'new_login': 'alice2'}, {'active': 'false'}])
def test_changing_the_users_credentials_refuses_the_cookie(odoo, change):
    sid = create(odoo)['sid']
    token = odoo.read_session(sid)['session_token']
    assert odoo.get('/web', sid=sid)[0] == 200
    odoo.update_user('alice', **change)
    status, _, headers = odoo.get('/web', sid=sid)
    assert status == 303 and headers['Location'].startswith('/web/login')
    if 'password' in change:
        # A new session for the same user now carries a different token for the same formula.
        fresh = create(odoo, request_id='req-after-password')
        assert fresh['ok'] is True
        assert odoo.read_session(fresh['sid'])['session_token'] != token
        assert odoo.get('/web', sid=fresh['sid'])[0] == 200


def test_session_token_is_odoos_formula(odoo):
    """Recomputed here from the user's row as each version's res.users._compute_session_token does."""
    sid = create(odoo)['sid']
    [(secret,)] = odoo.sql("SELECT value FROM ir_config_parameter WHERE key = 'database.secret'")
    [(active, uid, login, password)] = odoo.sql('SELECT active, id, login, password FROM res_users WHERE id = ?',
                                                (odoo.ids['alice'],))
    active = bool(active)
    if odoo.major <= 17:    # SELECT active, id, login, password, (database.secret)
        key = str((active, uid, login, password, secret))
    elif odoo.major == 18:  # SELECT (database.secret), active, id, login, password
        key = str((secret, active, uid, login, password))
    else:                   # (column, value) pairs, None values left out
        pairs = (('database_secret', secret), ('active', active), ('id', uid), ('login', login), ('password', password))
        key = str(tuple((k, v) for k, v in pairs if v is not None))
    assert password.startswith('$pbkdf2-sha512$')
    expected = hmac.new(key.encode('utf-8'), sid.encode('utf-8'), hashlib.sha256).hexdigest()
    assert odoo.read_session(sid)['session_token'] == expected


# ---------------------------------------------------------------------------------------------
# list_users
# ---------------------------------------------------------------------------------------------

def test_list_users(odoo):
    result = odoo.run({'op': 'list_users'})
    assert result['ok'] is True and result['truncated'] is False
    logins = [u['login'] for u in result['users']]
    # Active internal users only: not the superuser, not archived, not portal; ordered by name.
    assert logins == ['admin', 'alice', 'dave@corp.example', HOSTILE, 'zed']
    assert result['users'][-1]['email'] is None
    admin = result['users'][0]
    assert admin == {'id': odoo.ids['admin'], 'login': 'admin', 'displayName': 'Administrator',
                     'email': 'admin@example.com', 'language': 'en_US', 'isAdministrator': True}
    assert all(u['isAdministrator'] is False for u in result['users'][1:])


def test_list_users_search_and_limit(odoo):
    assert [u['login'] for u in odoo.run({'op': 'list_users', 'search': 'ORTEGA'})['users']] == ['alice']
    assert [u['login'] for u in odoo.run({'op': 'list_users', 'search': 'corp.example'})['users']] == \
        ['dave@corp.example']
    assert odoo.run({'op': 'list_users', 'search': 'bob'})['users'] == []  # archived
    assert odoo.run({'op': 'list_users', 'search': 'pat'})['users'] == []  # portal
    limited = odoo.run({'op': 'list_users', 'limit': 2})
    assert len(limited['users']) == 2 and limited['truncated'] is True


# ---------------------------------------------------------------------------------------------
# refusals
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('user, extra, code', [
    ({'login': 'nobody'}, {}, 'user_not_found'),
    ({'id': 999}, {}, 'user_not_found'),
    ({'id': 1}, {}, 'user_is_superuser'),
    ({'login': 'bob'}, {}, 'user_inactive'),
    ({'login': 'portal'}, {}, 'user_is_share'),
    ({'login': 'admin'}, {'protectAdministrators': True}, 'administrator_protected'),
    ({'login': 'admin'}, {}, 'administrator_protected'),  # protected unless said otherwise
    ({'login': 'alice'}, {'forbiddenEmail': '  alice@EXAMPLE.com '}, 'own_account'),  # the user's email
    ({'login': 'dave@corp.example'}, {'forbiddenEmail': 'Dave@Corp.Example'}, 'own_account'),  # the login
    ({'login': 'admin'}, {'forbiddenEmail': 'admin@example.com', 'protectAdministrators': False}, 'own_account'),
])
def test_refusals(odoo, user, extra, code):
    request = {'op': 'create_session', 'requestId': 'req-refused', 'user': user}
    request.update(extra)
    result = odoo.run(request)
    assert result['ok'] is False and result['code'] == code, result
    assert isinstance(result['message'], str) and result['message']
    assert odoo.session_files() == []


@pytest.mark.parametrize('request_', [
    {'op': 'create_session', 'user': {'login': 'alice'}},  # no requestId
    {'op': 'create_session', 'requestId': 'r', 'user': {}},
    {'op': 'create_session', 'requestId': 'r', 'user': {'id': True}},
    {'op': 'create_session', 'requestId': 'r', 'user': {'id': '2'}},
    {'op': 'create_session', 'requestId': 'r', 'user': {'login': 'alice'}, 'protectAdministrators': 'no'},
    {'op': 'drop_database'},
    {},
    {'op': 'list_users', 'limit': 0},
    {'op': 'list_users', 'search': 5},
    {'op': 'notify_bell', 'userId': 2, 'subject': '', 'body': 'x'},
    {'op': 'create_session', 'v': 2, 'requestId': 'r', 'user': {'login': 'alice'}},
])
def test_bad_requests(odoo, request_):
    result = odoo.run(request_)
    assert result['ok'] is False and result['code'] == 'bad_request', result


@pytest.mark.parametrize('stdin', [
    b'CONNECTAS_REQUEST = "not base64!"\n',
    b'CONNECTAS_REQUEST = "bm90IGpzb24="\n',  # "not json"
    b'CONNECTAS_REQUEST = "WzEsMl0="\n',  # [1,2]
    b'',  # no request line at all
])
def test_malformed_request_lines(odoo, stdin):
    result = odoo.run_stdin(stdin + SCRIPT.read_bytes())
    assert result['ok'] is False and result['code'] == 'bad_request'


def test_unsupported_version(odoo_factory):
    odoo = odoo_factory('12.0')
    result = create(odoo)
    assert result['ok'] is False and result['code'] == 'unsupported_version'
    assert odoo.session_files() == []


def test_unexpected_errors_are_results_with_code_internal(odoo):
    odoo.sessions.mkdir(parents=True, exist_ok=True)
    (odoo.sessions / 'connectas').write_text('not a directory')
    result = create(odoo)
    assert result['ok'] is False and result['code'] == 'internal'
    assert result['message'].startswith(('FileExistsError', 'NotADirectoryError'))
    assert 'Traceback' not in result['message']


def test_no_session_id_in_error_text(odoo):
    # An OS error about a session's own file carries its path, sessions/ab/<sid>: the message that leaves the
    # server (and reaches SessionFailed, replies, last_error and logs) must not. Every two-character directory
    # this version could use is made a file, so writing the new session fails with its path in the error.
    odoo.sessions.mkdir(parents=True, exist_ok=True)
    if odoo.major <= 15:
        pytest.skip('13-15 keep sessions flat (werkzeug_<sid>.sess): no per-session directory to break')
    alphabet = '0123456789abcdef' if odoo.major <= 17 else \
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    for a in alphabet:
        for b in alphabet:
            (odoo.sessions / (a + b)).write_text('not a directory')
    result = create(odoo)
    assert result['ok'] is False, result
    assert '[redacted]' in result['message'], result['message']
    assert not re.search(r'[0-9a-f]{40}|[A-Za-z0-9_-]{42}', result['message']), result['message']


def test_redaction_covers_every_format():
    source = SCRIPT.read_text()
    namespace = {}
    start = source.index('_SID_ANYWHERE')
    exec('import re\n' + source[start:source.index('def emit(')], namespace)
    redact = namespace['redact']
    hex40 = 'ab' * 20
    b64 = 'A-_z' * 21
    assert redact('No such file: /var/lib/odoo/sessions/ab/%s' % hex40) == \
        'No such file: /var/lib/odoo/sessions/ab/[redacted]'
    assert redact('werkzeug_%s.sess' % hex40) == 'werkzeug_[redacted].sess'
    assert redact('sessions/A-/%s' % b64) == 'sessions/A-/[redacted]'
    assert redact('identifier %s' % b64[:42]) == 'identifier [redacted]'
    assert redact('login alice is archived') == 'login alice is archived'


# ---------------------------------------------------------------------------------------------
# notify_bell
# ---------------------------------------------------------------------------------------------

def test_notify_bell_creates_an_inbox_notification(odoo):
    alice = odoo.ids['alice']
    body = 'Support (support@platform.example) signed in as you.\nReason: <script>alert(1)</script> & "more"'
    result = odoo.run({'op': 'notify_bell', 'userId': alice, 'subject': 'Support access to your account',
                       'body': body, 'notificationId': 'evt-1'})
    assert result['ok'] is True and result['userId'] == alice and result['reused'] is False
    mid = result['messageId']
    [(message_type, subject, html_body, author_id, model, res_id)] = odoo.sql(
        'SELECT message_type, subject, body, author_id, model, res_id FROM mail_message WHERE id = ?', (mid,))
    assert message_type == 'user_notification'
    assert subject == 'Support access to your account'
    assert author_id == 2  # OdooBot, base.partner_root
    assert model is None and res_id is None
    assert '<script>' not in html_body and '&lt;script&gt;' in html_body and '<br/>' in html_body
    [(partner_id,)] = odoo.sql('SELECT partner_id FROM res_users WHERE id = ?', (alice,))
    assert odoo.sql('SELECT res_partner_id FROM mail_message_res_partner_rel WHERE mail_message_id = ?',
                    (mid,)) == [(partner_id,)]
    [(notif_partner, notif_type, status, is_read)] = odoo.sql(
        'SELECT res_partner_id, notification_type, notification_status, is_read FROM mail_notification '
        'WHERE mail_message_id = ?', (mid,))
    assert (notif_partner, notif_type, status, is_read) == (partner_id, 'inbox', 'sent', 0)
    assert len(odoo.sql('SELECT id FROM bus_bus')) == 1  # pushed to the running server's bus

    # Exactly once per notificationId.
    again = odoo.run({'op': 'notify_bell', 'userId': alice, 'subject': 'x', 'body': 'y', 'notificationId': 'evt-1'})
    assert again['ok'] is True and again['messageId'] == mid and again['reused'] is True
    assert len(odoo.sql('SELECT id FROM mail_message')) == 1


def test_notify_bell_run_twice_at_once_posts_once(odoo, monkeypatch):
    # A retry while a timed-out run still goes on: both check before either posts (the stand-in pauses after the
    # check), and only the lock on the notification id keeps the second from posting again.
    import concurrent.futures
    monkeypatch.setenv('STANDIN_PAUSE_AFTER_MESSAGE_SEARCH', '0.7')
    request = {'op': 'notify_bell', 'userId': odoo.ids['alice'], 'subject': 's', 'body': 'b',
               'notificationId': 'ses-1:session_redeemed:bell'}
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: odoo.run(request), range(3)))
    assert all(r['ok'] for r in results), results
    assert sorted(r['reused'] for r in results) == [False, True, True]
    assert len({r['messageId'] for r in results}) == 1
    assert len(odoo.sql('SELECT id FROM mail_message')) == 1


def test_notify_bell_repeated_after_the_user_was_archived_still_says_delivered(odoo):
    request = {'op': 'notify_bell', 'userId': odoo.ids['alice'], 'subject': 's', 'body': 'b',
               'notificationId': 'ses-2:session_redeemed:bell'}
    first = odoo.run(request)
    odoo.sql('UPDATE res_users SET active = 0 WHERE id = ?', (odoo.ids['alice'],))
    again = odoo.run(request)
    assert again['ok'] is True and again['reused'] is True and again['messageId'] == first['messageId']


def test_notify_bell_refusals(odoo):
    for user_id, code in ((999, 'user_not_found'), (odoo.ids['bob'], 'user_inactive'),
                          (odoo.ids['portal'], 'user_is_share'), (1, 'user_is_superuser')):
        result = odoo.run({'op': 'notify_bell', 'userId': user_id, 'subject': 's', 'body': 'b'})
        assert result['ok'] is False and result['code'] == code
    assert odoo.sql('SELECT id FROM mail_message') == []


def test_notify_bell_without_discuss(odoo_factory):
    odoo = odoo_factory('17.0')
    ids = odoo.seed([{'login': 'eve', 'name': 'Eve', 'password': 'e'}], without_mail=True)
    result = odoo.run({'op': 'notify_bell', 'userId': ids['eve'], 'subject': 's', 'body': 'b'})
    assert result['ok'] is False and result['code'] == 'mail_not_installed'


# ---------------------------------------------------------------------------------------------
# hostile strings
# ---------------------------------------------------------------------------------------------

def test_hostile_strings_are_only_data(odoo):
    result = create(odoo, request_id=HOSTILE, user={'login': HOSTILE}, forbiddenEmail='$(touch PWNED)"; x@example.com')
    assert result['ok'] is True and result['login'] == HOSTILE
    status, body, _ = odoo.get('/web', sid=result['sid'])
    assert status == 200 and body['login'] == HOSTILE
    assert create(odoo, request_id=HOSTILE, user={'login': HOSTILE})['sid'] == result['sid']

    found = odoo.run({'op': 'list_users', 'search': HOSTILE[:60]})
    assert [u['login'] for u in found['users']] == [HOSTILE]
    assert odoo.run({'op': 'list_users', 'search': '"); import os; os.system("touch PWNED'})['ok'] is True

    bell = odoo.run({'op': 'notify_bell', 'userId': result['userId'], 'subject': HOSTILE, 'body': HOSTILE,
                     'notificationId': HOSTILE})
    assert bell['ok'] is True
    [(subject,)] = odoo.sql('SELECT subject FROM mail_message WHERE id = ?', (bell['messageId'],))
    assert subject == HOSTILE

    missing = create(odoo, request_id='h2', user={'login': HOSTILE + 'x'})
    assert missing['code'] == 'user_not_found' and HOSTILE not in missing['message']
    # (the autouse fixture checks that no PWNED file appeared anywhere)


# ---------------------------------------------------------------------------------------------
# the script and the command line themselves
# ---------------------------------------------------------------------------------------------

def test_script_is_python_3_6_syntax():
    ast.parse(SCRIPT.read_text(), filename=str(SCRIPT), feature_version=(3, 6))
    source = SCRIPT.read_text()
    assert ':=' not in source and 'match ' not in source.replace('fullmatch', '')


def test_the_result_is_one_ascii_line(odoo):
    proc = subprocess.run(odoo.command(), input=build_stdin({'op': 'list_users'}), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=True)
    lines = proc.stdout.decode('ascii').splitlines()
    assert len(lines) == 1 and lines[0].startswith('CONNECTAS-RESULT {')


def test_no_password_hash_or_secret_leaves_the_server(odoo):
    """DESIGN.md section 4: the session token is computed inside Odoo; no hash and no secret is ever sent back."""
    hashes = [h for (h,) in odoo.sql('SELECT password FROM res_users WHERE password IS NOT NULL')]
    [(secret,)] = odoo.sql("SELECT value FROM ir_config_parameter WHERE key = 'database.secret'")
    assert hashes and secret
    requests = [
        {'op': 'create_session', 'requestId': 'req-leak', 'user': {'login': 'alice'}, 'protectAdministrators': True},
        {'op': 'list_users'},
        {'op': 'list_users', 'search': 'a'},
    ]
    for request in requests:
        proc = subprocess.run(odoo.command(), input=build_stdin(request), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, check=True)
        out = proc.stdout.decode() + proc.stderr.decode()
        assert parse_result(proc.stdout)['ok'] is True
        for leaked in hashes + [secret]:
            assert leaked not in out
        assert 'pbkdf2' not in out


def test_shell_must_be_the_first_argument(odoo):
    """Real Odoo takes the sub-command from argv[1] only: `odoo-bin -c CONF shell ...` starts the server."""
    proc = subprocess.run([str(ODOO_BIN), '-c', str(odoo.conf), 'shell', '-d', DB, '--no-http', '--log-level=warn'],
                          input=build_stdin({'op': 'list_users'}), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode != 0 and b'CONNECTAS-RESULT' not in proc.stdout
    assert b'server' in proc.stderr
    # Option order after `shell` is free, as with optparse; a leading --addons-path= is allowed.
    for argv in (['shell', '--no-http', '-d', DB, '--log-level', 'warn', '-c', str(odoo.conf)],
                 ['--addons-path=/opt/addons', 'shell', '--database=%s' % DB, '--config=%s' % odoo.conf]):
        proc = subprocess.run([sys.executable, str(ODOO_BIN)] + argv, input=build_stdin({'op': 'list_users'}),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        assert b'"ok": true' in proc.stdout


def test_an_unknown_database_fails_like_odoo(odoo):
    proc = subprocess.run(odoo.command(db='nosuchdb'), input=build_stdin({'op': 'list_users'}),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode != 0 and b'does not exist' in proc.stderr and b'CONNECTAS-RESULT' not in proc.stdout
