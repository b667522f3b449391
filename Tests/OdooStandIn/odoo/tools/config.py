"""STAND-IN: odoo.tools.config, the few options the shell and the session store read.

Command-line parsing uses optparse like Odoo's configmanager, so option order and spelling are
accepted or refused as Odoo would (unknown options end with "no such option", exit 2).
The config file is Odoo's ini format with an [options] section. Stand-in only key:
``odoo_version`` (13.0 ... 19.0, default 17.0) selects which version's formats are imitated.
"""
import configparser
import optparse
import os
import sys

LOG_LEVELS = ['info', 'debug_rpc', 'warn', 'test', 'critical', 'runbot', 'debug_sql', 'error', 'debug',
              'debug_rpc_answer', 'notset']
SUPPORTED_VERSIONS = ('12.0', '13.0', '14.0', '15.0', '16.0', '17.0', '18.0', '19.0')  # 12.0 only to test refusals


class ConfigManager(object):
    def __init__(self):
        self.options = {
            'config': None,
            'data_dir': os.path.join(os.path.expanduser('~'), '.local', 'share', 'Odoo'),
            'db_name': False,
            'http_enable': True,
            'log_level': 'info',
            'odoo_version': '17.0',
        }
        self.parsed = False

    def build_parser(self, prog='odoo-bin'):
        parser = optparse.OptionParser(prog=prog)
        parser.add_option('-c', '--config', dest='config')
        parser.add_option('-d', '--database', dest='db_name')
        parser.add_option('-D', '--data-dir', dest='data_dir')
        parser.add_option('--no-http', dest='http_enable', action='store_false')
        parser.add_option('--log-level', dest='log_level', type='choice', choices=LOG_LEVELS)
        parser.add_option('--logfile', dest='logfile')
        parser.add_option('--addons-path', dest='addons_path')
        # What the official Docker image's entrypoint appends; accepted and ignored (no PostgreSQL here).
        for name in ('--db_host', '--db_port', '--db_user', '--db_password', '--db_sslmode'):
            parser.add_option(name, dest=name.lstrip('-'))
        parser.add_option('-r', dest='db_user_short')
        parser.add_option('-w', dest='db_password_short')
        parser.add_option('--shell-interface', dest='shell_interface')
        parser.add_option('--shell-file', dest='shell_file')
        return parser

    def parse_config(self, args=None, prog='odoo-bin'):
        parser = self.build_parser(prog)
        opt, _leftover = parser.parse_args(args or [])  # Odoo ignores leftover positional arguments too
        rcfile = opt.config or os.environ.get('ODOO_RC') or os.path.expanduser('~/.odoorc')
        if opt.config and not os.access(opt.config, os.R_OK):
            sys.exit("The config file '%s' selected with -c/--config doesn't exist or is not readable" % opt.config)
        self.load(rcfile)
        for key in ('db_name', 'data_dir', 'log_level'):
            value = getattr(opt, key)
            if value is not None:
                self.options[key] = value
        if opt.http_enable is False:
            self.options['http_enable'] = False
        self.options['config'] = rcfile
        self.parsed = True
        return self

    def load(self, rcfile):
        parser = configparser.RawConfigParser()
        if os.path.isfile(rcfile):
            parser.read(rcfile)
        if parser.has_section('options'):
            for key, value in parser.items('options'):
                if value in ('False', 'None'):
                    value = False
                self.options[key] = value
        version = str(self.options.get('odoo_version') or '17.0')
        if version not in SUPPORTED_VERSIONS:
            sys.exit('stand-in: odoo_version must be one of %s, not %r' % (', '.join(SUPPORTED_VERSIONS), version))
        self.options['odoo_version'] = version

    def __getitem__(self, key):
        return self.options[key]

    def get(self, key, default=None):
        return self.options.get(key, default)

    @property
    def session_dir(self):
        """<data_dir>/sessions, created 0700 like Odoo's config.session_dir."""
        path = os.path.join(self.options['data_dir'], 'sessions')
        os.makedirs(path, 0o700, exist_ok=True)
        return path

    @property
    def major(self):
        """Stand-in helper: the imitated major version as an int."""
        return int(self.options['odoo_version'].split('.')[0])


config = ConfigManager()
