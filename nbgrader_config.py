"""nbgrader's configuration for the classroom edition (see INSTRUCTORS.md).

nbgrader reads this file when run from the repository folder. The course lives in
``course/`` (git-ignored): ``tools/course.py`` (``make assignments``) copies each notebook
to ``course/source/<notebook>/<notebook>.ipynb``, one assignment per notebook, and
``nbgrader generate_assignment`` writes the student release to ``course/release/``.
The grading test (tests/test_grading_e2e.py) uses this file with another course root.
"""

import os

c = get_config()  # noqa: F821 (nbgrader defines it when it reads this file)

c.CourseDirectory.course_id = "mlp_from_scratch"
c.CourseDirectory.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "course")
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# An unanswered task raises NotImplementedError; later cells never need the student's code
# (except where a task is a chain), so one unanswered task costs only its own points.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Seconds per cell when autograding. The slowest cells (09_mnist's training, 07_dropout's
# sweep over p and seeds) take one to two minutes on 2 free cores; on a busy shared machine
# 07's sweep passed 300 s. 600 s leaves room for a busy grading server and a slower student
# loop, and still stops one that never ends.
c.Execute.timeout = 600
