"""The plot style: colour-blind-safe colours and readable sizes for every figure after setup."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from course_utils.plotting import PALETTE, apply_style  # noqa: E402


def test_style_applies_the_okabe_ito_palette_in_order():
    apply_style()
    fig, ax = plt.subplots()
    lines = [ax.plot([0, 1], [0, k])[0] for k in range(3)]
    assert [line.get_color() for line in lines] == ["#0072B2", "#E69F00", "#009E73"]
    assert list(PALETTE.values())[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert fig.get_size_inches().tolist() == [7.0, 4.2]
    plt.close(fig)
