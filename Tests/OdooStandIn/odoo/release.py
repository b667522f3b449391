"""STAND-IN: odoo.release, with the version taken from the config's ``odoo_version``.

odoo-bin parses the config before anything imports this module.
"""
from .tools.config import config

RELEASE_LEVELS = [ALPHA, BETA, RELEASE_CANDIDATE, FINAL] = ['alpha', 'beta', 'candidate', 'final']

_major, _minor = (int(p) for p in config['odoo_version'].split('.'))
version_info = (_major, _minor, 0, FINAL, 0, '')
series = serie = major_version = '%d.%d' % (_major, _minor)
version = series
product_name = 'Odoo stand-in (Connect As tests)'
description = 'STAND-IN for tests, not Odoo'
