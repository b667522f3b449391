"""STAND-IN: odoo.tools, just ``config`` and ``consteq``."""
import hmac

from .config import config  # noqa: F401


def consteq(a, b):
    """Constant-time comparison, as odoo.tools.misc.consteq."""
    return hmac.compare_digest(a, b)
