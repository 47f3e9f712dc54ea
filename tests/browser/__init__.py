"""Proof in a real browser: Chromium calls Flask apps served on loopback.

Every test opens a page whose document has a chosen origin, runs ``fetch()``
in it against a real Werkzeug server and asserts what the page's script could
read, or that the browser refused with a ``TypeError`` and why.
"""
