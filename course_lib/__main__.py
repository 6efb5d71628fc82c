"""Allow ``python -m course_lib COMMAND``."""

import sys

from course_lib.instructor.cli import main

if __name__ == "__main__":
    sys.exit(main())
