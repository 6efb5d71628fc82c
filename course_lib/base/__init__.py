"""Base layer: paths, input validation and the one content loader. Imports nothing from course_lib."""
