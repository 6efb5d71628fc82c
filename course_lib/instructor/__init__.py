"""Instructor tools: student versions, grading, exports, mock exams and the command line."""
