"""`python -m crfgen_core.cli` is `crf-gen`."""

import sys

from crfgen_core.cli import main

sys.exit(main())
