"""Errors that the CLI reports as one readable line instead of a stack trace."""


class ScorehouseError(Exception):
    """Bad input or bad configuration: the message names the file and the problem."""
