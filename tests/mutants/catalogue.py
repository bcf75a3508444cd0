"""Registering variants of a contract function and turning them into solution-cell code.

A catalogue module (one per assignment) sets ``ASSIGNMENT`` and decorates functions:

    @mutant("l2_loss")
    def l2_loss_mean(y_true, y_pred):
        "Averages instead of summing."
        ...

The decorated function's own source, renamed to the target, replaces the assignment's
solution cell whose nbgrader ``grade_id`` is the target's name.
"""

import inspect
import re
import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """One implementation of ``target`` in ``assignment``: a mistake or a valid alternative."""

    assignment: str
    target: str
    name: str
    valid: bool
    description: str
    source: str

    @property
    def id(self):
        return f"{self.assignment}:{self.name}"


REGISTRY = []


def _register(target, valid):
    def decorate(function):
        module = inspect.getmodule(function)
        code = textwrap.dedent(inspect.getsource(function))
        code = re.sub(r"^@.*\n", "", code, flags=re.MULTILINE)
        code = re.sub(rf"^def {function.__name__}\(", f"def {target}(", code, count=1,
                      flags=re.MULTILINE)
        REGISTRY.append(Variant(
            assignment=module.ASSIGNMENT,
            target=target,
            name=function.__name__,
            valid=valid,
            description=inspect.getdoc(function) or "",
            source=code,
        ))
        return function
    return decorate


def mutant(target):
    """Register a plausible mistake in ``target``: grading it must cost points."""
    return _register(target, valid=False)


def valid(target):
    """Register a correct alternative implementation of ``target``: it must earn full marks."""
    return _register(target, valid=True)
