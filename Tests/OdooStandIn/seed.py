#!/usr/bin/env python3
"""STAND-IN for tests: create or change the Odoo stand-in's databases.

  seed.py conf  --conf odoo.conf --data-dir DIR [--odoo-version 17.0]
        write a config file (Odoo's ini format, [options]) for odoo-bin / http_check.py
  seed.py init  -c odoo.conf -d DB [--without-mail] [--users JSON]   (or the JSON on stdin)
        (re)create DB with the given users; prints {"login": id, ...}
  seed.py update -c odoo.conf -d DB --login LOGIN [--password P] [--new-login L] [--active true|false]
        change a user as an administrator would (each of these invalidates the user's sessions)
  seed.py inbox  -c odoo.conf -d DB --login LOGIN
        print the user's bell (inbox) notifications as JSON, oldest first

Users JSON: a list (or {"users": [...]}) of objects
  {"login": ..., "name": ..., "email": ..., "password": ..., "active": true, "share": false,
   "admin": false, "lang": "en_US", "tz": "Europe/Brussels"}
Ids are given in order from 2 (1 is the superuser, __system__, partner OdooBot).
"""
import argparse
import json
import os
import sqlite3
import sys

sys.dont_write_bytecode = True  # keep the stand-in folder clean wherever it is run from
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))


def load_config(conf):
    from odoo.tools.config import config
    config.parse_config(['-c', conf])
    return config


def cmd_conf(args):
    if args.odoo_version not in ('12.0', '13.0', '14.0', '15.0', '16.0', '17.0', '18.0', '19.0'):
        sys.exit('odoo-version must be 13.0 ... 19.0')
    os.makedirs(args.data_dir, exist_ok=True)
    with open(args.conf, 'w') as f:
        f.write('[options]\n; STAND-IN config for tests\ndata_dir = %s\nodoo_version = %s\n'
                % (os.path.abspath(args.data_dir), args.odoo_version))


def cmd_init(args):
    load_config(args.config)
    from odoo import sql_db
    users = json.loads(args.users if args.users is not None else sys.stdin.read() or '[]')
    if isinstance(users, dict):
        users = users.get('users', [])
    sql_db.create_database(args.database, with_mail=not args.without_mail)
    cnx = sqlite3.connect(sql_db.db_path(args.database))
    ids = {}
    for user in users:
        ids[user['login']] = sql_db.add_user(
            cnx, user['login'], user.get('name') or user['login'], email=user.get('email'),
            password=user.get('password'), active=user.get('active', True), share=user.get('share', False),
            admin=user.get('admin', False), lang=user.get('lang', 'en_US'), tz=user.get('tz', 'Europe/Brussels'))
    cnx.commit()
    cnx.close()
    print(json.dumps(ids))


def cmd_update(args):
    load_config(args.config)
    from odoo import sql_db
    cnx = sqlite3.connect(sql_db.db_path(args.database))
    row = cnx.execute('SELECT id FROM res_users WHERE login = ?', (args.login,)).fetchone()
    if row is None:
        sys.exit('no user with login %r' % args.login)
    if args.password is not None:
        cnx.execute('UPDATE res_users SET password = ? WHERE id = ?', (sql_db.hash_password(args.password), row[0]))
    if args.new_login is not None:
        cnx.execute('UPDATE res_users SET login = ? WHERE id = ?', (args.new_login, row[0]))
    if args.active is not None:
        cnx.execute('UPDATE res_users SET active = ? WHERE id = ?', (1 if args.active == 'true' else 0, row[0]))
    cnx.commit()
    cnx.close()


def cmd_inbox(args):
    """The user's inbox (bell) notifications, oldest first, as JSON: what Discuss would show them."""
    load_config(args.config)
    from odoo import sql_db
    cnx = sqlite3.connect(sql_db.db_path(args.database))
    rows = cnx.execute(
        'SELECT m.id, m.subject, m.body, m.message_id, m.author_id, n.is_read FROM mail_message m '
        'JOIN mail_notification n ON n.mail_message_id = m.id '
        'JOIN res_users u ON u.partner_id = n.res_partner_id '
        "WHERE u.login = ? AND n.notification_type = 'inbox' AND m.message_type = 'user_notification' "
        'ORDER BY m.id', (args.login,)).fetchall()
    cnx.close()
    print(json.dumps([{'id': r[0], 'subject': r[1], 'body': r[2], 'messageId': r[3], 'authorId': r[4],
                       'read': bool(r[5])} for r in rows]))


def main():
    parser = argparse.ArgumentParser(description='Odoo stand-in (tests only): databases and config')
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('conf')
    p.add_argument('--conf', required=True)
    p.add_argument('--data-dir', required=True)
    p.add_argument('--odoo-version', default='17.0')
    p.set_defaults(func=cmd_conf)
    for name, func in (('init', cmd_init), ('update', cmd_update), ('inbox', cmd_inbox)):
        p = sub.add_parser(name)
        p.add_argument('-c', '--config', required=True)
        p.add_argument('-d', '--database', required=True)
        p.set_defaults(func=func)
        if name == 'init':
            p.add_argument('--users', help='users JSON (default: read from stdin)')
            p.add_argument('--without-mail', action='store_true', help='base only, no Discuss')
        elif name == 'inbox':
            p.add_argument('--login', required=True)
        else:
            p.add_argument('--login', required=True)
            p.add_argument('--password')
            p.add_argument('--new-login')
            p.add_argument('--active', choices=('true', 'false'))
    args = parser.parse_args()
    args.func(args)


if __name__ == '__main__':
    main()
