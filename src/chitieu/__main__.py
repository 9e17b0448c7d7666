"""``python -m chitieu``: the command line."""

from chitieu.cli import main

raise SystemExit(main())
