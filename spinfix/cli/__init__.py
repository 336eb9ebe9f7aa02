"""The ``spinfix`` command line: one module per command group over the library."""
from .parser import main

__all__ = ["main"]
