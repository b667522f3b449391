"""STAND-IN: odoo.service, only ``security``."""
