"""The examples' old module name: ``demo.examples`` is the one to use.

Kept, re-exporting it, until the test modules that import this name switch.
"""

from demo.examples import create_app, local_origin, localizer

__all__ = ["create_app", "local_origin", "localizer"]
