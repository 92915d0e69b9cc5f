"""`python -m kiosk [--server URL] [--settings FILE] [--windowed]`"""

from __future__ import annotations

import argparse
import sys

from kiosk.run import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="Touch kiosk of the service hall assistant")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
