"""The one exception the data loaders raise for bad files and failed downloads."""

from __future__ import annotations


class DataError(ValueError):
    """A data file is missing, corrupted, truncated or not what it claims to be.

    The message names the file (or, for downloads, every mirror tried and what went
    wrong there). Raised before any data is returned, so nothing is half-loaded.

    >>> import typedtorch.data as ttd
    >>> issubclass(ttd.DataError, ValueError)
    True
    """
