"""STAND-IN: odoo.api.Environment, just what the production script and the stand-in touch."""
from . import SUPERUSER_ID


class Environment(object):
    def __init__(self, cr, uid, context, su=None):
        self.cr = cr
        self.uid = uid
        self.context = dict(context or {})
        # As Odoo: the superuser environment is in superuser mode.
        self.su = (uid == SUPERUSER_ID) if su is None else su
        self._installed = None

    def __call__(self, cr=None, user=None, context=None, su=None):
        uid = self.uid if user is None else (user.id if hasattr(user, '_ids') else int(user))
        if su is None:
            su = self.su if user is None else uid == SUPERUSER_ID
        return Environment(self.cr if cr is None else cr, uid,
                           self.context if context is None else context, su)

    def _installed_modules(self):
        if self._installed is None:
            self.cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
            self._installed = {row[0] for row in self.cr.fetchall()}
        return self._installed

    def __contains__(self, model_name):
        from .models import MODELS
        cls = MODELS.get(model_name)
        return cls is not None and cls._module in self._installed_modules()

    def __getitem__(self, model_name):
        from .models import MODELS
        if model_name not in self:
            raise KeyError(model_name)
        return MODELS[model_name](self, ())

    @property
    def user(self):
        return self['res.users'].browse(self.uid)

    def ref(self, xml_id, raise_if_not_found=True):
        module, name = xml_id.split('.', 1)
        self.cr.execute('SELECT model, res_id FROM ir_model_data WHERE module = ? AND name = ?', (module, name))
        row = self.cr.fetchone()
        if row is None or row[0] not in self:
            if raise_if_not_found:
                raise ValueError('External ID not found in the system: %s' % xml_id)
            return None
        return self[row[0]].browse(row[1])
