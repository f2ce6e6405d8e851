import sys

from chatmrpt.cli import main

sys.exit(main())
