"""Learning layer: feedback, quizzes, flashcards, checked exercises, saved progress and revision.

Imports only from the base, market and analysis layers.
"""
