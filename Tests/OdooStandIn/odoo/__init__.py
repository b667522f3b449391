"""STAND-IN for tests: a tiny fake ``odoo`` package, NOT Odoo.

It offers just the entry points Connect As's production script
(Shared/ConnectAsOdoo/Resources/connectas_shell.py) uses, with Odoo's own behaviour and on-disk
formats for the version named by ``odoo_version`` in the config file (13.0 ... 19.0).
See ../README.md for what it deliberately leaves out.
"""

SUPERUSER_ID = 1  # as odoo.SUPERUSER_ID (13-18)
STANDIN = True
