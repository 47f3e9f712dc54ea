"""``flask_cors`` as the upstream tests import it, made of this library's names.

The shim maps names and nothing else: ``CORS`` and ``cross_origin`` are this
library's own objects, so every upstream test runs against the library as a
user gets it after changing the import. The one adaptation of what a test
sends lives in the plugin, ``compat_plugin.py``, and is documented there.
"""

from cors import CORS, cross_origin

__all__ = ["CORS", "cross_origin"]
