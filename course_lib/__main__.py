"""Allow ``python -m course_lib COMMAND``."""

import sys

from course_lib.instructor.cli import main

sys.exit(main())
