#!/usr/bin/env python
"""Django's command-line utility; `tandem` (see tandem/cli.py) is the same thing installed."""

from tandem.cli import main

if __name__ == "__main__":
    main()
