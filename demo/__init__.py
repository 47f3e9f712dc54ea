"""The demo: the flask-cors documentation's cross_origin examples on cors, called from a page in your browser."""
