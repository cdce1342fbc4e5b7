import sys

from crfgen_api.server import main

sys.exit(main())
