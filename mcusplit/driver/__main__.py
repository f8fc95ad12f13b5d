"""`python -m mcusplit.driver ...` is `mcusplit-cc ...`."""

import sys

from . import main

sys.exit(main())
