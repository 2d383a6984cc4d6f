"""Shared declaration defaults for this pack."""

#: every public name of this pack lives at the top level and in ``mygrad.math``
NAMESPACES = ("mygrad", "mygrad.math")
