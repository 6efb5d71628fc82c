"""course_lib: the small helper package behind the micromarketing course.

It is layered; a layer imports only from the layers above it in this list:

``base``
    paths, input validation and the one content (YAML) loader.
``market``
    the synthetic city market, the campaign simulator, the case data and the
    data loaders (``course_lib.market.datasets``).
``analysis``
    reusable methods: RFM, clustering, geo, experiments, metrics,
    segmentation, cleaning, consent and the privacy audit.
``learning``
    the learning layer: feedback, quizzes, flashcards, checked exercises,
    saved progress and revision.
``instructor``
    student versions, grading, exports, mock exams and the command line.
``chapters``
    what must stay specific to one chapter (its explorer widget, a case's
    cleaning steps, the facts its workbook checks), one small module each.

Import what you need from the module named after the idea, for example::

    from course_lib.market.datasets import load_customers
    from course_lib.analysis.rfm import rfm_table

The package root only exposes the version, so importing it is instant.
"""

__version__ = "0.1.0"
