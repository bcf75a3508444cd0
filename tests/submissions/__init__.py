"""Red-team submissions: one per attack or fault a class may hand in (see attacks.py)."""
