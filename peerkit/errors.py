"""Errors peerkit raises. Messages never contain a learner's text."""


class PeerkitError(Exception):
    """Base class for peerkit's own errors."""


class AnswerRejected(PeerkitError):
    """An answer was refused before saving (too long, wrong shape)."""


class StoreError(PeerkitError):
    """The answer store could not be read or written."""


class CourseDataError(PeerkitError):
    """The course data file is missing or malformed."""
