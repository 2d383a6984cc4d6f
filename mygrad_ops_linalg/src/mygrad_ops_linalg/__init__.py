"""mygrad-ops-linalg: linear algebra for mygrad (``mygrad.linalg``).

The pack is installed and registered like the others; its ops land in later
releases. Until then it registers no names.
"""

from mygrad.plugin import hookimpl

__version__ = "3.0.0.dev0"

DECLARATIONS: list = []


@hookimpl
def mygrad_ops():
    """This pack's op declarations (none yet)."""
    return list(DECLARATIONS)
