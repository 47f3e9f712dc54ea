"""Benchmarks: the cost of CORS per request, against bare Flask and flask-cors.

Run ``python -m benchmarks`` (``--quick`` for a smoke run, ``--help`` for the
options). It needs the ``bench`` extra: ``pip install -e '.[bench]'``.

Layout:

- :mod:`benchmarks.scenarios`: the allow-lists, the request cases, their
  prebuilt WSGI environs and the headers each contender must answer with;
- :mod:`benchmarks.contenders`: the apps under test, one builder each;
- :mod:`benchmarks.timing`: calibrated batches, interleaved repeats, medians;
- :mod:`benchmarks.report`: the table, the budget and the JSON file;
- :mod:`benchmarks.run`: the command line.
"""
