"""`python -m scorehouse.generate`: write the demo data set."""

import sys

from scorehouse.generate import main

sys.exit(main())
