"""Catalogues of plausible student mistakes (must lose points) and correct-but-different
implementations (must earn full marks), one module per assignment."""
