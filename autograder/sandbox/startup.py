"""Faster start-up for the processes that grade: import this module before nbformat.

nbformat imports jsonschema, whose optional RFC 3987 format checker compiles a grammar for
about a second at import time; notebook validation never uses it, and every sandbox, worker
and grading run would pay it.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
