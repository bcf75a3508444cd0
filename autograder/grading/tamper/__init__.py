"""A static scan of a submitted notebook for code that honest work never needs.

Nothing is executed. :mod:`.notebook` converts each cell a student can change to Python
and walks it with one scanner built from one module per kind of check: :mod:`.references`
(dangerous names and attributes), :mod:`.imports`, :mod:`.bindings` (rebinding helpers,
changing protected state), :mod:`.classes` (objects that fool comparisons), :mod:`.files`
(paths outside the submission) and :mod:`.ipython` (the shell, its hooks and magics), on
the name resolution of :mod:`.names`.
"""

from .notebook import Flag, scan, summary

__all__ = ["Flag", "scan", "summary"]
