"""`python -m mockserver` is the same as the `mockserver` command."""

import sys

from mockserver.cli.main import main

sys.exit(main())
