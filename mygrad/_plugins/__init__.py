"""Plugin machinery: hook specifications, the op registry, the plugin manager.

Plugin authors import :mod:`mygrad.plugin`, never these private modules.
"""
