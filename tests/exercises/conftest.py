"""The exercise modules create TensorFlow objects, so TensorFlow is configured before any of them is imported
(its threading can be set only before the first op; later setup() calls with the same values are no-ops)."""

import course_utils

course_utils.setup(quiet=True)
