"""nbgrader's configuration for the classroom edition (see INSTRUCTORS.md).

nbgrader reads this file when run from the repository folder. The course lives in
``course/`` (git-ignored): ``tools/course.py`` (``make assignments``) copies each notebook
to ``course/source/<notebook>/<notebook>.ipynb``, one assignment per notebook, and
``nbgrader generate_assignment`` writes the student release to ``course/release/``.
The grading test (tests/test_grading_e2e.py) uses this file with another course root.
"""

import os
import sys

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                    LimitOutput, SaveAutoGrades)

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools")
sys.path.insert(0, TOOLS)
from judge import GradingExecute, JudgeTasks  # noqa: E402

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

# Grading that a submission cannot rig or use against the course (tools/judge.py):
# - every grading kernel first runs tools/grading_kernel.py, which refuses writes outside
#   the notebook's own folder, starting or killing programs and os._exit;
# - GradingExecute restarts a kernel that a submission killed and goes on;
# - JudgeTasks grades the judged tasks outside the kernel, where the student's code cannot
#   replace the checks: right after the notebook has run, their test cells get its verdict.
c.GradingExecute.extra_arguments = [
    f"--InteractiveShellApp.exec_files={[os.path.join(TOOLS, 'grading_kernel.py')]!r}"]
# MLPFS_JUDGE_ONLY=1 (tools/grade.py --judge-only): the same points, since every task is
# judged, without running the notebooks: seconds per student instead of minutes. The
# feedback then holds each task's verdict but none of the notebook's outputs.
JUDGE_ONLY = os.environ.get("MLPFS_JUDGE_ONLY") == "1"
c.JudgeTasks.judge_only = JUDGE_ONLY
c.Autograde.autograde_preprocessors = ([] if JUDGE_ONLY else [GradingExecute]) + [
    JudgeTasks, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata]
