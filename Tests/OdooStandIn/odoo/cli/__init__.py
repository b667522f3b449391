"""STAND-IN: odoo-bin's command dispatch (odoo/cli/command.py) and ``shell`` (odoo/cli/shell.py).

As in Odoo, the sub-command must be the FIRST argument (only a leading --addons-path=... may come
before it); anything else is the ``server`` command. The stand-in offers only ``shell`` and
refuses ``server`` loudly, because that is what a misordered command line would start in
production: `odoo-bin -c CONF shell ...` runs the server, never reading the script.
"""
import logging
import os
import sys

USAGE_SERVER = (
    "stand-in odoo-bin: no sub-command as first argument, so real Odoo would start the *server* here\n"
    "(odoo/cli/command.py main(): the command is argv[1], after an optional --addons-path=...).\n"
    "Put 'shell' first: odoo-bin shell -c CONF -d DB --no-http --log-level=warn\n")

LOG_LEVELS = {'debug': logging.DEBUG, 'debug_rpc': logging.DEBUG, 'debug_sql': logging.DEBUG,
              'debug_rpc_answer': logging.DEBUG, 'info': logging.INFO, 'test': logging.INFO,
              'runbot': logging.INFO, 'warn': logging.WARNING, 'error': logging.ERROR,
              'critical': logging.CRITICAL, 'notset': logging.NOTSET}


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 and args[0].startswith('--addons-path=') and not args[1].startswith('-'):
        args = args[1:]
    command = 'server'
    if args and not args[0].startswith('-'):
        command, args = args[0], args[1:]
    if command == 'server':
        sys.stderr.write(USAGE_SERVER)
        sys.exit(2)
    if command != 'shell':
        sys.exit('Unknown command %r' % (command,))
    return shell(args)


def shell(args):
    from odoo.tools.config import config
    config.parse_config(args)
    # Odoo logs to stderr (or the config's logfile); stdout stays for the script.
    logging.basicConfig(stream=sys.stderr, level=LOG_LEVELS[config['log_level']],
                        format='%(asctime)s %(process)d %(levelname)s ? %(name)s: %(message)s')
    logging.getLogger('odoo.standin').info('STAND-IN odoo %s (tests only), data_dir %s',
                                           config['odoo_version'], config['data_dir'])
    import odoo
    import odoo.release  # noqa: F401  (real Odoo has imported it by now)
    from odoo import api, sql_db

    local_vars = {'openerp': odoo, 'odoo': odoo}
    dbname = config['db_name']
    if not dbname:
        return console(local_vars)
    cr = sql_db.Cursor(dbname)
    try:
        uid = odoo.SUPERUSER_ID
        context = api.Environment(cr, uid, {})['res.users'].context_get()
        env = api.Environment(cr, uid, context)
        local_vars['env'] = env
        local_vars['self'] = env.user
        console(local_vars)
        cr.rollback()  # as odoo shell: whatever the script did not commit is lost
    finally:
        cr.close()
    return 0


def console(local_vars):
    if os.isatty(sys.stdin.fileno()):
        sys.exit('stand-in odoo-bin: the interactive shell is not offered; pipe a script on stdin')
    local_vars['__name__'] = '__main__'
    exec(sys.stdin.read(), local_vars)
    return 0
