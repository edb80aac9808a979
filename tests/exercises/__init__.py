"""Answers that prove each graded task's checks catch mistakes: one module per notebook.

``tests/exercises/nbNN.py`` (for ``notebooks/NN_*.ipynb``) defines::

    ANSWERS = {
        "nb04_dense_backward": {             # the solution cell's grade_id
            "correct": [SOURCE, ...],         # >= 1 correct answer, written differently
            "wrong": [(SOURCE, REGEX), ...],  # >= 2 plausible mistakes; REGEX must re.search
        },                                    # (ignoring case) the failing check's message
    }

SOURCE is the whole replacement source of the solution cell. ``tests/test_exercise_checks.py``
runs every answer followed by the task's test cells, hidden tests included (``harness.py``).
"""
