"""Row layouts with named columns, so that a row is built and read by name, never by position."""
from __future__ import annotations

from collections.abc import Iterator


class Schema:
    """The named columns of one row layout, in order.

    A row is made with :meth:`row` from keyword arguments (every column exactly once, in any
    order), and a column is found with :meth:`index`, so that a layout change cannot shift a
    value into its neighbour's column unnoticed.

    Examples
    --------
    >>> point = Schema("x", "y")
    >>> point.row(y=2.0, x=1.0)
    (1.0, 2.0)
    >>> point.index("y")
    1
    """

    def __init__(self, *names: str):
        if len(set(names)) != len(names):
            raise ValueError(f"a schema names each column once: {names}")
        self.names = tuple(names)
        self._index = {name: k for k, name in enumerate(names)}

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __repr__(self) -> str:
        return f"Schema{self.names}"

    def index(self, name: str) -> int:
        """The position of column ``name``."""
        return self._index[name]

    def indices(self, names: Schema | tuple[str, ...] | list[str]) -> list[int]:
        """The positions of several columns (another schema's, for a block of columns)."""
        return [self._index[name] for name in names]

    def row(self, **values: float) -> tuple:
        """The values in column order; a missing or unknown column raises :class:`ValueError`."""
        try:
            row = tuple([values[name] for name in self.names])
        except KeyError:
            row = None
        if row is None or len(values) != len(self.names):  # every column given, and only they
            missing = [n for n in self.names if n not in values]
            unknown = [n for n in values if n not in self._index]
            raise ValueError(f"row does not fit {self}: missing {missing}, unknown {unknown}")
        return row

    def prefix(self, n: int) -> Schema:
        """The first ``n`` columns as a schema of their own."""
        return Schema(*self.names[:n])


__all__ = ["Schema"]
