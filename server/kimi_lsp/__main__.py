"""`python -m kimi_lsp`."""

import sys

from kimi_lsp.cli import main

sys.exit(main())
