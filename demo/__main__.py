"""Serve the seed examples: ``python -m demo [--port N]``."""

from __future__ import annotations

import argparse

from demo.seed_app import create_app


def main() -> None:
    """Run the demo app on loopback."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    create_app().run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
