"""course_lib: the helper library behind the micromarketing course.

Import what you need from the module named after the idea, for example::

    from course_lib.datasets import load_customers
    from course_lib.rfm import rfm_table
    from course_lib.metrics import campaign_report

The package root only exposes the version, so importing it is instant.
"""

__version__ = "0.1.0"
