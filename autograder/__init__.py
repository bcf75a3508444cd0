"""Build, validate and grade the course's nbgrader notebooks; helpers the notebooks import."""

__version__ = "0.1.0"
