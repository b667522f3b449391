"""STAND-IN: a minimal recordset ORM over SQLite with the handful of models Connect As touches.

Only what the production script calls exists; anything else fails loudly (AttributeError,
NotImplementedError), so a script change that needs more shows up in the tests instead of in
production. Version differences follow Odoo's sources for the configured ``odoo_version``:
res.users.context_get, has_group, _compute_session_token, the groups field name, and the inbox
notification method of mail.thread.
"""
import hmac
import json
import os
import time
from hashlib import sha256
from types import MappingProxyType

from .tools.config import config

MAJOR = config.major
MODELS = {}


class AccessError(Exception):
    pass


def register(cls):
    MODELS[cls._name] = cls
    return cls


class BaseModel(object):
    _name = None
    _module = 'base'
    _fields = ()
    _order = 'id'
    _many2one = {}

    def __init__(self, env, ids):
        self.env = env
        self._ids = tuple(ids)

    # -- recordset basics ---------------------------------------------------------------
    @property
    def ids(self):
        return list(self._ids)

    @property
    def id(self):
        if not self._ids:
            return False
        self.ensure_one()
        return self._ids[0]

    @property
    def _uid(self):
        return self.env.uid

    def ensure_one(self):
        if len(self._ids) != 1:
            raise ValueError('Expected singleton: %s%r' % (self._name, self._ids))
        return self

    def __iter__(self):
        for rid in self._ids:
            yield self.browse(rid)

    def __len__(self):
        return len(self._ids)

    def __bool__(self):
        return bool(self._ids)

    def __eq__(self, other):
        return isinstance(other, BaseModel) and other._name == self._name and set(other._ids) == set(self._ids)

    def __hash__(self):
        return hash((self._name, frozenset(self._ids)))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return type(self)(self.env, self._ids[key])
        return self.browse(self._ids[key])

    def __repr__(self):
        return '%s%r' % (self._name, self._ids)

    def browse(self, ids=()):
        if isinstance(ids, int):
            ids = (ids,)
        return type(self)(self.env, tuple(ids))

    def with_env(self, env):
        return type(self)(env, self._ids)

    def with_context(self, **values):
        return self.with_env(self.env(context=dict(self.env.context, **values)))

    def with_user(self, user):
        if not user:
            return self
        return self.with_env(self.env(user=user, su=False))

    def sudo(self, flag=True):
        return self.with_env(self.env(su=flag))

    def exists(self):
        existing = {row['id'] for row in self._all_rows()}
        return self.browse([rid for rid in self._ids if rid in existing])

    # -- data --------------------------------------------------------------------------
    def _all_rows(self):
        raise NotImplementedError('stand-in: %s cannot be read' % self._name)

    def _row(self):
        self.ensure_one()
        for row in self._all_rows():
            if row['id'] == self._ids[0]:
                return row
        raise ValueError('stand-in: record %r does not exist' % self)

    def __getattr__(self, name):
        if name.startswith('__') or name not in self._fields:
            raise AttributeError("'%s' object has no attribute %r" % (self._name, name))
        if not self._ids:
            return self.env[self._many2one[name]] if name in self._many2one else False
        value = self._row()[name]
        if name in self._many2one:
            return self.env[self._many2one[name]].browse([value] if value else [])
        return value

    @property
    def display_name(self):
        return self.name if self else False

    # -- search ------------------------------------------------------------------------
    def search(self, domain, offset=0, limit=None, order=None):
        rows = self._all_rows()
        if 'active' in self._fields and self.env.context.get('active_test', True) \
                and not any(isinstance(leaf, (list, tuple)) and leaf[0] == 'active' for leaf in domain):
            domain = [('active', '=', True)] + list(domain)
        rows = [row for row in rows if _match(domain, row)]
        for spec in reversed([part.strip() for part in (order or self._order).split(',')]):
            field, _, direction = spec.partition(' ')
            rows.sort(key=lambda r: (r[field] is None, r[field]), reverse=direction.lower() == 'desc')
        rows = rows[offset:]
        if limit:
            rows = rows[:limit]
        return self.browse([row['id'] for row in rows])


def _match(domain, row):
    """Evaluate an Odoo domain (implicit &, prefix | & !) against one row."""
    stack = []
    for leaf in reversed(list(domain)):
        if leaf in ('|', '&'):
            first, second = stack.pop(), stack.pop()  # both operands are consumed, whatever their value
            stack.append((first or second) if leaf == '|' else (first and second))
        elif leaf == '!':
            stack.append(not stack.pop())
        else:
            stack.append(_leaf(leaf, row))
    return all(stack)


def _leaf(leaf, row):
    field, operator, value = leaf
    if field not in row:
        raise NotImplementedError('stand-in: cannot search on %r' % field)
    current = row[field]
    if operator == '=':
        return current == value or (value is False and current is None)
    if operator == '!=':
        return not (current == value or (value is False and current is None))
    if operator == 'in':
        return current in value
    if operator == 'not in':
        return current not in value
    if operator in ('ilike', 'not ilike'):
        # Odoo wraps the value in %...%; the stand-in does a plain case-insensitive substring test.
        found = current is not None and str(value).lower() in str(current).lower()
        return found if operator == 'ilike' else not found
    raise NotImplementedError('stand-in: operator %r is not offered' % operator)


@register
class Partner(BaseModel):
    _name = 'res.partner'
    _fields = ('id', 'name', 'email', 'lang', 'tz', 'active', 'email_formatted', 'display_name')
    _order = 'name'

    def _all_rows(self):
        self.env.cr.execute('SELECT id, name, email, lang, tz, active FROM res_partner')
        rows = []
        for rid, name, email, lang, tz, active in self.env.cr.fetchall():
            rows.append({'id': rid, 'name': name, 'email': email or False, 'lang': lang or False,
                         'tz': tz or False, 'active': bool(active),
                         'email_formatted': '"%s" <%s>' % (name, email) if email else False})
        return rows


@register
class Groups(BaseModel):
    _name = 'res.groups'
    _fields = ('id', 'name')

    def _all_rows(self):
        self.env.cr.execute('SELECT id, name FROM res_groups')
        return [{'id': rid, 'name': name} for rid, name in self.env.cr.fetchall()]


@register
class Users(BaseModel):
    _name = 'res.users'
    # groups_id up to 18, group_ids in 19 (odoo/addons/base/models/res_users.py)
    _groups_field = 'group_ids' if MAJOR >= 19 else 'groups_id'
    _fields = ('id', 'login', 'name', 'email', 'active', 'share', 'partner_id', 'lang', 'tz',
               'display_name', _groups_field)
    _order = 'name, login'  # as Odoo's res.users
    _many2one = {'partner_id': 'res.partner'}

    def _all_rows(self):
        self.env.cr.execute('SELECT u.id, u.login, u.active, u.share, u.partner_id, p.name, p.email, p.lang, p.tz '
                            'FROM res_users u JOIN res_partner p ON p.id = u.partner_id')
        rows = []
        for rid, login, active, share, partner_id, name, email, lang, tz in self.env.cr.fetchall():
            rows.append({'id': rid, 'login': login, 'active': bool(active), 'share': bool(share),
                         'partner_id': partner_id, 'name': name, 'email': email or False,
                         'lang': lang or False, 'tz': tz or False})
        return rows

    def __getattr__(self, name):
        if name == self._groups_field:
            self.env.cr.execute('SELECT gid FROM res_groups_users_rel WHERE uid = ?', (self.id,))
            return self.env['res.groups'].browse([row[0] for row in self.env.cr.fetchall()])
        return BaseModel.__getattr__(self, name)

    # -- context -----------------------------------------------------------------------
    def context_get(self):
        """The context of self.env.user (NOT of self), as every version of Odoo does."""
        user = self.env.user
        values = {'lang': user.lang, 'tz': user.tz}
        if MAJOR >= 16:
            # 16+: ensure an installed lang (context > company > en_US > any) and set uid.
            self.env.cr.execute('SELECT code FROM res_lang WHERE active = 1 ORDER BY code')
            langs = [row[0] for row in self.env.cr.fetchall()]
            if values['lang'] not in langs:
                values['lang'] = 'en_US' if 'en_US' in langs else (langs[0] if langs else 'en_US')
            values['uid'] = self.env.uid
        return MappingProxyType(values)  # a frozendict in Odoo

    # -- groups ------------------------------------------------------------------------
    def has_group(self, group_ext_id):
        if MAJOR >= 19:
            self.ensure_one()
            if not (self.env.su or self == self.env.user or self.env.user._has_group('base.group_user')):
                raise AccessError('You can ony call user.has_group() with your current user.')
            return self._has_group(group_ext_id)
        if MAJOR <= 13:
            # 13.0 is imitated in the strictest shape has_group has had (12.0's): it checks the
            # environment's user, whatever the record. Only a caller that asks as the user passes.
            return self.browse(self.env.uid)._has_group(group_ext_id)
        uid = self.id or self.env.uid  # 14-18: the singleton's id, else the environment's user
        return self.browse(uid)._has_group(group_ext_id)

    def _has_group(self, group_ext_id):
        module, name = group_ext_id.split('.')
        self.env.cr.execute("SELECT 1 FROM res_groups_users_rel WHERE uid = ? AND gid IN "
                            "(SELECT res_id FROM ir_model_data WHERE module = ? AND name = ? AND model = 'res.groups')",
                            (self.id or self.env.uid, module, name))
        return self.env.cr.fetchone() is not None

    # -- session token -----------------------------------------------------------------
    def _session_token_values(self):
        """(column, value) pairs as each version's query returns them, or False."""
        self.env.cr.execute("SELECT (SELECT value FROM ir_config_parameter WHERE key = 'database.secret'), "
                            "active, id, login, password FROM res_users WHERE id = ?", (self.id,))
        row = self.env.cr.fetchone()
        if row is None:
            return False
        secret, active, uid, login, password = row
        values = (('database_secret', secret), ('active', bool(active)), ('id', uid), ('login', login),
                  ('password', password))
        if MAJOR <= 17:
            # "SELECT active, id, login, password, (SELECT value ... 'database.secret')": sorted
            # field names first, the secret last.
            values = values[1:] + values[:1]
        return values

    def _compute_session_token(self, sid):
        """HMAC-SHA256 of the sid, keyed by the user's credentials and database.secret.

        13-18: key = str(tuple of the values) in query order (13-17: active, id, login, password,
        secret; 18: secret first). 19: key = str(tuple of (column, value) pairs whose value is
        not None), see res.users._session_token_hash_compute.
        """
        values = self._session_token_values()
        if not values:
            return False
        if MAJOR >= 19:
            key = str(tuple((k, v) for k, v in values if v is not None)).encode()
        else:
            key = (u'%s' % (tuple(v for _, v in values),)).encode('utf-8')
        return hmac.new(key, sid.encode('utf-8'), sha256).hexdigest()

    if MAJOR >= 19:
        def _legacy_session_token_hash_compute(self, sid):
            """19 still accepts 18's token (and upgrades it): key = str(tuple of all values)."""
            values = self._session_token_values()
            if not values:
                return False
            key = ('%s' % (tuple(v for _, v in values),)).encode()
            return hmac.new(key, sid.encode(), sha256).hexdigest()


@register
class MessageSubtype(BaseModel):
    _name = 'mail.message.subtype'
    _module = 'mail'
    _fields = ('id', 'name')

    def _all_rows(self):
        self.env.cr.execute('SELECT id, name FROM mail_message_subtype')
        return [{'id': rid, 'name': name} for rid, name in self.env.cr.fetchall()]


@register
class Message(BaseModel):
    _name = 'mail.message'
    _module = 'mail'
    _columns = ('message_type', 'subject', 'body', 'author_id', 'email_from', 'model', 'res_id', 'record_name',
                'subtype_id', 'message_id', 'reply_to') + (('is_internal',) if MAJOR >= 14 else ())
    _fields = ('id', 'partner_ids') + _columns
    _many2one = {'author_id': 'res.partner', 'subtype_id': 'mail.message.subtype'}
    MESSAGE_TYPES = ('email', 'comment', 'notification', 'user_notification')

    def search(self, domain, offset=0, limit=None, order=None):
        found = super(Message, self).search(domain, offset=offset, limit=limit, order=order)
        # Tests only: widens the gap between a check and the insert after it, to show what the script's lock
        # prevents when two runs for one notification overlap.
        pause = os.environ.get('STANDIN_PAUSE_AFTER_MESSAGE_SEARCH')
        if pause:
            time.sleep(float(pause))
        return found

    def _all_rows(self):
        self.env.cr.execute('SELECT id, %s FROM mail_message' % ', '.join(self._columns))
        names = ('id',) + self._columns
        return [dict(zip(names, row)) for row in self.env.cr.fetchall()]

    def create(self, vals_list):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        ids = []
        for vals in vals_list:
            unknown = set(vals) - set(self._fields)
            if unknown:
                raise ValueError('Invalid field %s on model mail.message' % ', '.join(sorted(unknown)))
            if vals.get('message_type', 'email') not in self.MESSAGE_TYPES:
                raise ValueError('Wrong value for mail.message.message_type: %r' % vals.get('message_type'))
            columns = [c for c in self._columns if c in vals]
            cur = self.env.cr.execute(
                'INSERT INTO mail_message (%s) VALUES (%s)' % (', '.join(columns), ', '.join('?' * len(columns))),
                [vals[c] if vals[c] is not False else None for c in columns])
            mid = cur.lastrowid
            for pid in _m2m_ids(vals.get('partner_ids') or []):
                self.env.cr.execute('INSERT INTO mail_message_res_partner_rel VALUES (?, ?)', (mid, pid))
            ids.append(mid)
        return self.browse(ids)

    def __getattr__(self, name):
        if name == 'partner_ids':
            self.env.cr.execute('SELECT res_partner_id FROM mail_message_res_partner_rel WHERE mail_message_id = ?',
                                (self.id,))
            return self.env['res.partner'].browse([row[0] for row in self.env.cr.fetchall()])
        return BaseModel.__getattr__(self, name)

    def message_format(self):
        return [{'id': m.id, 'body': m.body, 'subject': m.subject, 'message_type': m.message_type,
                 'author_id': m.author_id.id} for m in self]


def _m2m_ids(commands):
    ids = []
    for command in commands:
        if isinstance(command, int):
            ids.append(command)
        elif command[0] == 6:
            ids = list(command[2])
        elif command[0] == 4:
            ids.append(command[1])
        else:
            raise NotImplementedError('stand-in: x2many command %r is not offered' % (command,))
    return ids


@register
class MailThread(BaseModel):
    """mail.thread, just the inbox notification of the configured version.

    13-14: _notify_record_by_inbox(message, {'partners': [...], 'channels': [...]}, msg_vals)
    15:    _notify_record_by_inbox(message, [recipient, ...], msg_vals)
    16-19: _notify_thread_by_inbox(message, [recipient, ...], msg_vals); 18-19 read r['uid'] too.
    """
    _name = 'mail.thread'
    _module = 'mail'

    def _create_inbox_notifications(self, message, partner_ids, with_author):
        for pid in partner_ids:
            self.env.cr.execute(
                "INSERT INTO mail_notification (mail_message_id, res_partner_id, notification_type, "
                "notification_status, author_id) VALUES (?, ?, 'inbox', 'sent', ?)",
                (message.id, pid, message.author_id.id if with_author else None))

    def _bus_send(self, channel, payload):
        self.env.cr.execute('INSERT INTO bus_bus (channel, message) VALUES (?, ?)',
                            (json.dumps(channel), json.dumps(payload)))

    if MAJOR <= 15:
        def _notify_record_by_inbox(self, message, recipients_data, msg_vals=False, **kwargs):
            if MAJOR <= 14:
                channel_ids = [r['id'] for r in recipients_data['channels']]
                if channel_ids:
                    raise NotImplementedError('stand-in: channels are not offered')
                inbox_pids = [r['id'] for r in recipients_data['partners'] if r['notif'] == 'inbox']
            else:
                inbox_pids = [r['id'] for r in recipients_data if r['notif'] == 'inbox']
            self._create_inbox_notifications(message, inbox_pids, with_author=False)
            for pid in inbox_pids:
                channel = [self.env.cr.dbname, 'ir.needaction', pid] if MAJOR <= 14 else ['res.partner', pid]
                self._bus_send(channel, {'type': 'mail.message/inbox', 'payload': message.message_format()[0]})
    else:
        def _notify_thread_by_inbox(self, message, recipients_data, msg_vals=False, **kwargs):
            if MAJOR >= 18:
                inbox = sorted((r['id'], r['uid']) for r in recipients_data
                               if (r['id'] or MAJOR < 19) and r['notif'] == 'inbox')
            else:
                inbox = [(r['id'], None) for r in recipients_data if r['notif'] == 'inbox']
            self._create_inbox_notifications(message, [pid for pid, _ in inbox], with_author=True)
            for pid, uid in inbox:
                channel = ['res.users', uid] if MAJOR >= 18 else ['res.partner', pid]
                self._bus_send(channel, {'type': 'mail.message/inbox', 'payload': {'message_id': message.id}})
