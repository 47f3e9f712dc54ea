"""flask-cors 6.0.5's own behaviour tests, run against this library through a shim."""
