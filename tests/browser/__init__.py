"""Proof in real browsers: Chromium, Firefox ESR and WebKitGTK call Flask apps served on loopback.

Every test opens a page whose document has a chosen origin, runs ``fetch()``
in it against a real Werkzeug server and asserts what the page's script could
read, or that the browser refused with a ``TypeError`` and why. Each test that
takes the ``visit`` fixture runs once per engine; ``README.md`` here says how
to run one engine, what each needs and how long each takes.
"""
