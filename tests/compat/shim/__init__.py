"""What the flask-cors tests run with: a ``flask_cors`` shim and a pytest plugin.

This folder, not the package inside it, goes first on the path of the pytest
subprocess, so the upstream tests' ``import flask_cors`` finds the shim.
"""
