"""The demo: the seed document's cross_origin examples as one Flask app."""
