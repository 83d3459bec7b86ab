"""`python -m jupyter_fastpreview.cli`: the same as `jupyter fastpreview`."""

import sys

from . import main

sys.exit(main())
