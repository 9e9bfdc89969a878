"""`python -m scorehouse.devtools.generate`: write the demo data set."""

import sys

from scorehouse.devtools.generate import main

sys.exit(main())
