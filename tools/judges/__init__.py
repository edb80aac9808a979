"""The judged tasks of every notebook, by the grade_id of their solution cell.

``tools/judges/nbNN.py`` holds notebook NN's: a ``TASKS`` dict from grade_id to a function
that raises ``judge.Verdict`` (what the student reads), or returns None, for the student's
solution-cell source. The mechanism (the sandboxed child, plain data) is in tools/judge.py.
"""

import importlib
import pkgutil

TASKS = {}
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("nb")):
    TASKS.update(importlib.import_module(f"{__name__}.{_module}").TASKS)
