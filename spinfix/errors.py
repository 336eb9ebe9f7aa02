"""The one exception type the CLI turns into a one-line message and exit code 2."""


class SpinfixError(Exception):
    """A user-facing error: bad input, a corrupt model or dictionary, mismatched pairs.

    The message is one line that says what is wrong and, where it can, what to do next.
    """
