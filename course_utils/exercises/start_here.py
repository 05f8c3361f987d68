"""00 · Start here: the worked exercise, the mean squared error, which shows how checks and hints work."""

import numpy as np

from course_utils.checks import Exercise, compare_numbers
from course_utils.i18n import N_, _

#: The task's data, read-only: an answer computed in place (``errors -= y_true``) cannot change what the check uses.
y_true = np.array([1.0, 2.0, 3.0, 4.0])
y_pred = np.array([1.5, 2.0, 2.0, 5.5])
y_true.setflags(write=False)
y_pred.setflags(write=False)


def _check_mse(mse):
    errors = y_pred - y_true
    n = errors.size
    return compare_numbers(
        mse,
        np.mean(errors**2),
        name="mse",
        mistakes={
            _("the sum of the squared errors, not their mean"): np.sum(errors**2),
            _("the mean error, not squared (positive and negative errors cancel)"): np.mean(errors),
            _("the mean absolute error, not the mean of the squares"): np.mean(np.abs(errors)),
            _("the root of the mean squared error (RMSE), not the MSE"): np.sqrt(np.mean(errors**2)),
            _("the squared errors divided by n - 1; the mean divides by n"): np.sum(errors**2) / (n - 1),
            _("the square of the mean error; square each error first, then average"): np.mean(errors) ** 2,
        },
    )


ex1 = Exercise(
    "ex1", "start_here", _check_mse,
    hints=[
        N_("An error is one prediction minus its target. NumPy subtracts whole arrays at once."),
        N_("Square every error, then take the mean of the squares: np.mean(...) over the four values."),
    ],
)
