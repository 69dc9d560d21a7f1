"""Say where one query per row is the design, not an N+1 to fix.

A workflow move locks and re-reads its own row (`select_for_update`), so a bulk approval of 20
requests makes 20 such reads: each decision stands alone and is refused alone. The test suite
fails on any N+1 query (django-zeal, a development dependency); wrapping such a read in
`one_query_per_row()` tells it this one is meant. In a running portal it does nothing.
"""

from contextlib import nullcontext

try:
    from zeal import zeal_ignore as one_query_per_row
except ImportError:  # the portal runs without the development dependencies
    one_query_per_row = nullcontext

__all__ = ["one_query_per_row"]
