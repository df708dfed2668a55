#!/usr/bin/env python3
"""Django's command-line utility; `chiso` is the same with a few extra commands."""

import sys

from chiso.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
