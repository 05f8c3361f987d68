"""Claims of 01 · Gradients: each conclusion of the prose, held by the notebook's own variables."""

import numpy as np
from matplotlib.quiver import Quiver

# §1 the slope of a function of one variable
exact_slope = slopes_1d["by hand"]
claim("The tape gives the hand-derived slope to every printed digit",
      abs(slopes_1d["tf.GradientTape"] - exact_slope) < 1e-12, f"tape {slopes_1d['tf.GradientTape']!r}")
claim("the central difference is off by about $10^{-8}$ and the forward difference by about $5\\cdot10^{-4}$",
      5e-9 < abs(slopes_1d["central difference"] - exact_slope) < 2e-8
      and 3e-4 < abs(slopes_1d["forward difference"] - exact_slope) < 7e-4,
      f"errors {abs(slopes_1d['central difference'] - exact_slope):.1e}, "
      f"{abs(slopes_1d['forward difference'] - exact_slope):.1e}")

x_1d = 1.5  # section 1's point (section 2 reuses the name x0)
right = hs >= 1e-4  # truncation regime
forward_slope = np.polyfit(np.log10(hs[right]), np.log10(forward_errors[right]), 1)[0]
central_slope = np.polyfit(np.log10(hs[right]), np.log10(central_errors[right]), 1)[0]
claim("So the error shrinks like $h$ for the forward difference (slope 1 on the log-log plot) and like $h^2$ for the "
      "central one (slope 2)", abs(forward_slope - 1) < 0.05 and abs(central_slope - 2) < 0.05,
      f"fitted slopes {forward_slope:.3f}, {central_slope:.3f} for h >= 1e-4")
claim("at $h = 10^{-2}$ it equals the Taylor term (printed)",
      abs(error_at(forward_errors, 1e-2) / (1e-2 * f_second / 2) - 1) < 0.01
      and abs(error_at(central_errors, 1e-2) / (1e-4 * f_third / 6) - 1) < 0.01
      and f_second == 6 * x_1d and f_third == 6.0 and f_prime(x_1d) == exact_slope,
      f"{error_at(forward_errors, 1e-2):.5f} vs {1e-2 * f_second / 2:.5f}; "
      f"{error_at(central_errors, 1e-2):.3e} vs {1e-4 * f_third / 6:.3e}")

tiny = hs <= 1e-11
claim("and grow as $h$ shrinks",
      all(np.median(errors[tiny]) > 100 * errors.min() for errors in (forward_errors, central_errors)),
      "median error for h <= 1e-11 over 100x the smallest error, both differences")

# the rounded step
relative_step_error = abs(step_taken - h_tiny) / h_tiny
claim("At $h = 10^{-15}$ it is 11 % off, and dividing by $h$ misreads the slope by 0.5",
      h_tiny == 1e-15 and round(relative_step_error, 2) == 0.11
      and round(abs(f_prime(x_1d)) * relative_step_error, 1) == 0.5
      and abs(f_prime(x_1d)) * relative_step_error > 0.5 * error_at(forward_errors, 1e-15),
      f"step off by {relative_step_error:.3f}; misread {abs(f_prime(x_1d)) * relative_step_error:.3f}, "
      f"measured error {error_at(forward_errors, 1e-15):.3f}")
left = hs <= 1e-9
taken = (x_1d + hs) - x_1d
fixed_errors = np.abs((f(x_1d + hs) - f(x_1d)) / taken - f_prime(x_1d))
claim("Dividing by the step really taken, `h = (x0 + h) - x0`, removes the first part, not the second",
      np.array_equal((x_1d + taken) - x_1d, taken)  # the step taken is exact: dividing by it leaves no step error
      and fixed_errors[left].max() < forward_errors[left].max() / 5
      and np.mean(fixed_errors[left] <= forward_errors[left]) > 0.75
      and np.median(fixed_errors[tiny]) > 100 * forward_errors.min()
      and fixed_errors[0] == fixed_error and hs[0] == h_tiny,
      f"largest error for h <= 1e-9: {forward_errors[left].max():.1e} -> {fixed_errors[left].max():.1e}; "
      f"median for h <= 1e-11 still {np.median(fixed_errors[tiny]):.1e}")
same_step = np.array_equal((x_1d + hs) - x_1d, x_1d - (x_1d - hs))
mirrored_values = np.mean(((f(x_1d + taken) - f(x_1d)) == (f(x_1d) - f(x_1d - taken)))[left])
on_top = np.mean(np.abs(forward_errors[left] / central_errors[left] - 1) < 0.01)
claim("at $h = 10^{-15}$ the error falls from 0.6 to 0.05",
      round(error_at(forward_errors, h_tiny), 1) == 0.6 and round(fixed_error, 2) == 0.05,
      f"{error_at(forward_errors, h_tiny):.3f} -> {fixed_error:.4f}")
claim("$x_0 + h$ and $x_0 - h$ are rounded by the same amount, and here so are the values of $f$",
      same_step and mirrored_values > 0.9, f"values mirrored at {mirrored_values:.0%} of the steps")
below_best = hs < 1e-8
differing = int(np.sum(forward_errors[below_best] != central_errors[below_best]))
claim("the two curves lie on top of each other (equal at all but a few of the measured steps below $10^{-8}$, where rounding happens to differ)",
      differing <= 3 and below_best.sum() >= 20, f"{differing} of {below_best.sum()} steps below 1e-8 differ")
claim("and the better formula buys nothing",
      on_top >= 0.9 and np.median(central_errors[left]) >= np.median(forward_errors[left]) / 2,
      f"equal within 1% at {on_top:.0%} of the h <= 1e-9")

best_forward_measured = hs[np.argmin(forward_errors)]
best_central_measured = hs[np.argmin(central_errors)]
terms = [abs(x_1d**3), abs(2 * x_1d), 1.0]  # the terms that make up f(x) = x^3 - 2x + 1
sizes = [abs(f(x_1d)), *terms, abs(x_1d * f_prime(x_1d)), abs(f_second), abs(f_third)]  # M's parts, |f''|, |f'''|
claim("When $M$, $|f''|$ and $|f'''|$ are not far from 1 (here they lie between 1 and 10)",
      all(1 <= size <= 10 for size in sizes), f"|f|, its terms, |x f'|, |f''|, |f'''| = {np.round(sizes, 3).tolist()}")
claim("of the order of $\\varepsilon^{1/2} \\approx 1.5\\cdot10^{-8}$ and $\\varepsilon^{1/3} \\approx 6\\cdot10^{-6}$",
      round(eps ** 0.5, 9) == 1.5e-8 and round(eps ** (1 / 3), 6) == 6e-6
      and 1 / 3 < best_forward_measured / eps ** 0.5 < 3 and 1 / 3 < best_central_measured / eps ** (1 / 3) < 3,
      f"measured best h {best_forward_measured:.1e}, {best_central_measured:.1e}")
claim("The forward curve bottoms out near $10^{-8}$", 1 / 3 < best_forward_measured / 1e-8 < 3,
      f"measured best h {best_forward_measured:.1e}")
claim("the central one at a few times $10^{-6}$", 1e-6 <= best_central_measured <= 1e-5,
      f"measured best h {best_central_measured:.1e}")
claim("each gets worse below its best $h$",
      forward_errors[hs < eps ** 0.5 / 10].min() > 3 * forward_errors.min()
      and central_errors[hs < eps ** (1 / 3) / 10].min() > 3 * central_errors.min(),
      "every error 10x below the rule-of-thumb best h exceeds 3x the smallest error")

# the same experiment in float32
x32, hs32 = np.float32(x_1d), hs.astype(np.float32)
forward32 = np.abs((f(x32 + hs32) - f(x32)) / hs32 - f_prime(x_1d))
central32 = np.abs((f(x32 + hs32) - f(x32 - hs32)) / (2 * hs32) - f_prime(x_1d))
eps32 = np.finfo(np.float32).eps


def typical(errors, low, high):  # geometric mean of the errors for h in [low, high]
    inside = (hs >= low) & (hs <= high)
    return np.exp(np.mean(np.log(np.maximum(errors[inside], 1e-300))))


float32_valleys = all(typical(errors, best / 3, best * 3) < min(typical(errors, best / 300, best / 30),
                                                              typical(errors, best * 30, best * 300))
                      for errors, best in [(forward32, eps32 ** 0.5), (central32, eps32 ** (1 / 3))])
claim("the best $h$ grow to about $3\\cdot10^{-4}$ and $5\\cdot10^{-3}$",
      forward32.dtype == np.float32 and float32_valleys
      and round(eps32 ** 0.5, 4) == 3e-4 and round(eps32 ** (1 / 3), 3) == 5e-3,
      f"float32 errors are lowest within 3x of eps^(1/2) = {eps32 ** 0.5:.1e} and eps^(1/3) = {eps32 ** (1 / 3):.1e}")
best32_relative = central32.min() / abs(f_prime(x_1d))
claim("even the best central difference keeps only about 5 digits",
      4 <= -np.log10(typical(central32, eps32 ** (1 / 3) / 3, eps32 ** (1 / 3) * 3) / abs(f_prime(x_1d))) <= 6
      and best32_relative > 1e-7 and round(eps32 ** (2 / 3), 5) == 2e-5
      and 1 / 10 < typical(central32, eps32 ** (1 / 3) / 3, eps32 ** (1 / 3) * 3) / abs(f_prime(x_1d)) / eps32 ** (2 / 3) < 10,
      f"best relative error {best32_relative:.1e}, typical near the best h "
      f"{typical(central32, eps32 ** (1 / 3) / 3, eps32 ** (1 / 3) * 3) / abs(f_prime(x_1d)):.1e}")
claim("the central difference with $h = 10^{-5}$ is accurate to about 10 digits", correct_digits == 10,
      f"{correct_digits} correct digits")
from course_utils import gradcheck

try:
    gradcheck.numerical_gradients(lambda: 0.0, [np.zeros(2, dtype=np.float32)])
    refuses_float32 = False
except TypeError:
    refuses_float32 = True
claim("use central differences in float64", refuses_float32, "course_utils.gradcheck refuses float32 parameters")
claim("but already a few times $10^{-6}$ for the central one; in float32 it is far larger",
      1e-6 <= best_central_measured <= 1e-5 and best_forward_measured < 3e-8 and float32_valleys,
      f"float64 best h {best_forward_measured:.1e}, {best_central_measured:.1e}")

# §2 the gradient of a function of two variables
claim("The three ways agree again.", np.allclose(by_hand, central, atol=1e-6) and np.allclose(by_hand, by_tape),
      f"{by_hand}, {central}, {by_tape}")
claim("At $(1, 1)$ both partial derivatives are negative", bool(np.all(by_hand < 0)), f"{by_hand}")
steepest_angle = angles[np.argmax(directional_slopes)]
claim("The steepest of the 360 directions is the gradient's, to the nearest degree, and its slope is $|\\nabla f|$",
      abs(steepest_angle - gradient_angle) <= 0.5
      and abs(directional_slopes.max() - np.linalg.norm(by_hand)) < 1e-3 * np.linalg.norm(by_hand),
      f"steepest {steepest_angle}°, gradient {gradient_angle:.2f}°")
claim("The steepest way down is the opposite direction.",
      abs(angles[np.argmin(directional_slopes)] - (gradient_angle + 180) % 360) <= 0.5,
      f"steepest down {angles[np.argmin(directional_slopes)]}°")
along = np.abs((angles - gradient_angle) % 180 - 90) < 1  # within 1° of a contour's direction
claim("along a contour line ($\\nabla f \\cdot u = 0$) $f$ does not change",
      np.abs(directional_slopes[along]).max() < 0.02 * np.linalg.norm(by_hand),
      f"largest |slope| within 1° of the contour: {np.abs(directional_slopes[along]).max():.2f}")

quivers = [artist for artist in field_ax.collections if isinstance(artist, Quiver)]
lengths = np.hypot(quivers[0].U, quivers[0].V)
claim("All arrows have the same length; only the colour shows the gradient's size",
      len(quivers) == 1 and np.allclose(lengths[lengths > 0], 1.0), f"arrow lengths {lengths.min():.3f}..{lengths.max():.3f}")


def hessian(landscape, point, step=1e-5):
    columns = [(landscape.gradient(point + step * e) - landscape.gradient(point - step * e)) / (2 * step)
               for e in np.eye(2)]
    return np.array(columns)


top_curvatures = np.linalg.eigvalsh(hessian(himmelblau_landscape, hill_top))
claim("near the hill top at $(-0.27, -0.92)$ (△, a local maximum)",
      np.allclose(hill_top, [-0.27, -0.92], atol=0.005) and np.all(top_curvatures < 0)
      and np.linalg.norm(himmelblau_landscape.gradient(hill_top)) < 1e-9,
      f"hill top {hill_top}, Hessian eigenvalues {top_curvatures}")
minimum_locations = np.array([m.location for m in himmelblau_landscape.minima])
minimum_sizes = [np.linalg.norm(himmelblau_landscape.gradient(m)) for m in minimum_locations]
saddle_sizes = [np.linalg.norm(himmelblau_landscape.gradient(p)) for p in saddles]
saddle_curvatures = np.array([np.linalg.eigvalsh(hessian(himmelblau_landscape, p)) for p in saddles])
minimum_curvatures = np.array([np.linalg.eigvalsh(hessian(himmelblau_landscape, p)) for p in minimum_locations])
hand_hessian_right = all(np.allclose(himmelblau_hessian(p), hessian(himmelblau_landscape, p), atol=1e-4)
                         for p in [*minimum_locations, hill_top, *saddles, np.array([1.0, -2.0])])
distinct = np.array([*minimum_locations, hill_top, *saddles])
gaps_between = np.linalg.norm(distinct[:, None] - distinct[None], axis=-1)[np.triu_indices(len(distinct), 1)]
claim("the four **saddle points**: flat points that are a minimum along one direction and a maximum along another",
      len(saddles) == 4 and max(saddle_sizes) < 1e-9 and np.all(saddle_curvatures[:, 0] < 0)
      and np.all(saddle_curvatures[:, 1] > 0) and gaps_between.min() > 0.5,
      f"|∇f| at most {max(saddle_sizes):.1e}; curvatures {np.round(saddle_curvatures).tolist()}")
nudges = 1e-3 * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, -1]])
leave = []
for p in saddles:
    for sign in (-1, +1):  # descent, ascent
        away = descend(himmelblau_landscape, p + nudges, 300, lambda q, g, sign=sign: q + sign * 0.01 * g)
        ended = away.path[-1]
        leave.append(np.all(away.diverged | (np.linalg.norm(ended - p, axis=1) > 0.5)))
claim("Descent and ascent both lead away from them", all(leave),
      "from 6 points 0.001 beside each saddle, 300 steps of descent and of ascent end over 0.5 away (or diverge)")
claim("both positive at a minimum, both negative at a maximum, one of each at a saddle",
      hand_hessian_right and np.all(minimum_curvatures > 0) and np.all(top_curvatures < 0)
      and np.all(saddle_curvatures[:, 0] < 0) and np.all(saddle_curvatures[:, 1] > 0),
      "the hand-written Hessian matches finite differences of the gradient; eigenvalue signs as stated")
saddle_markers = [line for line in field_ax.get_lines() if line.get_marker() == "X"]
between = []
for p in saddles:
    nearest = minimum_locations[np.argsort(np.linalg.norm(minimum_locations - p, axis=1))[:2]]
    between.append((nearest[0] - p) @ (nearest[1] - p) < 0)
claim("near the four saddle points between the minima (✕)",
      len(saddle_markers) == 1 and np.allclose(np.transpose(saddle_markers[0].get_data()), saddles) and all(between),
      "the map marks the four saddles, each between its two nearest minima")
claim("a zero gradient says \"flat here\", not \"minimum here\"",
      max(minimum_sizes) < 1e-6 and np.linalg.norm(himmelblau_landscape.gradient(hill_top)) < 1e-9
      and max(saddle_sizes) < 1e-9 and np.all(top_curvatures < 0) and np.all(saddle_curvatures[:, 0] < 0),
      "zero gradient at the four minima, at the maximum and at the four saddles")
claim("The curvatures (printed) tell the kinds apart.",
      np.all(minimum_curvatures > 0) and np.all(top_curvatures < 0)
      and np.all(np.sign(saddle_curvatures) == [-1, 1]), "signs: minima ++, hill top --, saddles -+")

# §3 the gradient of a loss
claim("By hand and by the tape, the gradient is the same to every printed digit",
      np.array_equal(mse_gradient(w0, b0).round(6), tape_gradient.round(6)), f"{tape_gradient}")
claim("it agrees with the float64 result only to about 7 significant digits",
      1e-8 < keras_relative_difference < 1e-6, f"relative difference {keras_relative_difference:.1e}")
claim("It does **not** point at the minimum", angle > 30, f"angle {angle:.1f}°")

hessian_of_loss = 2 * np.array([[np.mean(x_data**2), np.mean(x_data)], [np.mean(x_data), 1.0]])
eigenvalues, eigenvectors = np.linalg.eigh(hessian_of_loss)
valley_axis = eigenvectors[:, 0]  # the flat direction, along the valley
across = np.degrees(np.arccos(abs(downhill @ valley_axis)))
claim("the perpendicular points mostly *across* the valley, towards its floor, and not *along* it",
      across > 45, f"angle between -∇L and the valley's axis {across:.1f}°")
measured_hessian = hessian(loss_landscape, start)  # finite differences of the gradient: the formula holds
distances = np.linspace(-3, 3, 13)
along_directions = [loss_landscape(best.location + distances[:, None] * eigenvectors[:, k]) - best.value for k in (0, 1)]
claim("At a distance $d$ from the minimum along the eigen-direction of curvature $\\lambda$, the loss is "
      "$L_{\\min} + \\frac{\\lambda}{2} d^2$",
      all(np.allclose(along_directions[k], eigenvalues[k] / 2 * distances**2, rtol=1e-9, atol=1e-12) for k in (0, 1)),
      "the landscape's loss along each eigenvector equals λ/2 d² to 1e-9")


def contour_reach(direction, c=1.0):  # how far the contour L_min + c lies from the minimum along a direction
    ds = np.linspace(0, 20, 200001)
    rise = loss_landscape(best.location + ds[:, None] * direction) - best.value
    return ds[np.argmax(rise >= c)]


axis_ratio = contour_reach(eigenvectors[:, 0]) / contour_reach(eigenvectors[:, 1])
claim("The steepest curvature is about 21 times the flattest",
      np.allclose(measured_hessian, hessian_of_loss, atol=1e-6) and np.allclose(eigenvalues, curvatures)
      and np.allclose(hessian_of_mse, hessian_of_loss) and round(curvatures[1] / curvatures[0]) == 21,
      f"ratio {curvatures[1] / curvatures[0]:.2f}")
claim("the contours are about 4.6 times as long as they are wide ($\\sqrt{21}$)",
      round(axis_ratio, 1) == 4.6 and abs(axis_ratio / np.sqrt(curvatures[1] / curvatures[0]) - 1) < 1e-3,
      f"the contour L_min + 1 reaches {contour_reach(eigenvectors[:, 0]):.3f} along the flat direction, "
      f"{contour_reach(eigenvectors[:, 1]):.3f} along the steep one: ratio {axis_ratio:.3f}")
claim("that is the elongation you see on the map, whose two axes have the same scale",
      valley_ax.get_aspect() == 1.0, f"aspect {valley_ax.get_aspect()}")
centred_ratio = centred_curvatures[1] / centred_curvatures[0]
claim("centring the input ($x - \\bar x$) makes the valley almost round (curvature ratio 1.4, contours 1.2 times as "
      "long as wide)", round(centred_ratio, 1) == 1.4 and round(np.sqrt(centred_ratio), 1) == 1.2,
      f"ratio {centred_ratio:.3f}, axis ratio {np.sqrt(centred_ratio):.3f}")

# §4 gradient descent, by hand
loop_losses = np.array([mse(*point) for point in path])
claim("The loss falls at every step and ends close to the least-squares value",
      bool(np.all(np.diff(loop_losses) < 0)) and loop_losses[-1] < 1.05 * best.value,
      f"final loss {loop_losses[-1]:.5f}, least squares {best.value:.5f}")
claim("The line starts out falling, the wrong way; after 20 steps it rises, and after 100 it lies almost on the "
      "least-squares line (printed)",
      path[0][0] < 0 < best.location[0] and path[20][0] > 0 and final_gap < 0.1
      and np.isclose(final_gap, max(abs((path[-1][0] - best.location[0]) * x + path[-1][1] - best.location[1])
                                    for x in (0.0, 3.0))),
      f"slopes {path[0][0]:+.2f}, {path[20][0]:+.2f}, {path[-1][0]:+.2f}; final gap {final_gap:.3f}")
claim("which does exactly the same arithmetic", np.array_equal(run.path, np.array(path)), "paths equal bit for bit")

claim("In a long valley it points across the valley, not at the minimum, so the path of gradient descent bends",
      angle > 30 and across > 45 and deviation > 0.10, f"angle {angle:.0f}°, {across:.0f}° off the valley's axis")
claim("The path bends.", deviation > 0.10, f"largest distance from the chord {deviation:.1%} of the start distance")
claim("strays from the straight line by a quarter of the start distance", round(deviation, 2) == 0.25,
      f"{deviation:.3f}")
steps_taken = np.diff(run.path, axis=0)
step_lengths = np.linalg.norm(steps_taken, axis=1)
step_angles = np.degrees(np.arccos(np.clip(np.abs(steps_taken @ valley_axis) / step_lengths, 0, 1)))
claim("Its first steps go mostly across the valley", step_angles[0] > 45, f"first step {step_angles[0]:.0f}° off the axis")
claim("then it turns and follows the valley floor to the minimum",
      step_angles[5:].max() < 10 and np.linalg.norm(run.path[-1] - best.location) < 0.05 * start_distance,
      f"steps 6-100 within {step_angles[5:].max():.1f}° of the valley's axis; "
      f"ends {np.linalg.norm(run.path[-1] - best.location):.3f} from the minimum")
claim("The first step multiplies it by 0.346", round(ratios[0], 3) == 0.346, f"{ratios[0]:.4f}")
claim("within a few steps the factor per step rises to 0.927 and stays there",
      np.all(np.abs(ratios[4:] - 0.927) < 5e-4) and ratios[0] < 0.5 * ratios[-1],
      f"ratios from step 5: {ratios[4:].min():.4f}..{ratios[4:].max():.4f}; first {ratios[0]:.3f}")
claim("the path of these 100 steps does not follow the straight line to the minimum, and the loss minus its "
      "minimum, on a log scale, does not fall at one steady pace",
      deviation > 0.10 and ratios[0] < 0.5 * ratios[-1], f"deviation {deviation:.2f}, factors {ratios[0]:.3f}, {ratios[-1]:.3f}")
flat_factor = (1 - learning_rate * curvatures[0]) ** 2
steep_factor = (1 - learning_rate * curvatures[1]) ** 2
d = (run.path - best.location) @ eigenvectors  # distance to the minimum along each eigen-direction
parts = eigenvalues / 2 * d**2
claim("the gap is a sum of one term $\\frac{\\lambda}{2} d^2$ per eigen-direction",
      np.allclose(parts.sum(axis=1), gaps, rtol=1e-8, atol=1e-12), f"largest mismatch {np.abs(parts.sum(axis=1) - gaps).max():.1e}")
flat_per_step, steep_per_step = d[1:, 0] / d[:-1, 0], d[1:13, 1] / d[:12, 1]  # the steep one: before it vanishes
claim("so a step moves $d$ to $d - \\eta\\lambda d = (1 - \\eta\\lambda)\\,d$",
      np.allclose(flat_per_step, 1 - learning_rate * eigenvalues[0], rtol=1e-6)
      and np.allclose(steep_per_step, 1 - learning_rate * eigenvalues[1], rtol=1e-6),
      f"factors per step: {flat_per_step.min():.5f}..{flat_per_step.max():.5f} (1 - ηλ = {1 - learning_rate * eigenvalues[0]:.5f}), "
      f"{steep_per_step.min():.5f}..{steep_per_step.max():.5f} (1 - ηλ = {1 - learning_rate * eigenvalues[1]:.5f})")
claim("For the steep direction that is 0.047: its part is gone within a few steps",
      round(steep_factor, 3) == 0.047 and np.all(parts[5:, 1] < 1e-3 * gaps[5:]),
      f"steep part / gap at step 5: {parts[5, 1] / gaps[5]:.1e}")
claim("For the flat one it is 0.927, the late factor", round(flat_factor, 3) == 0.927 and abs(ratios[-1] - flat_factor) < 1e-4,
      f"late {ratios[-1]:.5f}, (1 - lr λ_flat)^2 = {flat_factor:.5f}")
claim("the steps shrink as the gradient shrinks near the minimum",
      bool(np.all(np.diff(step_lengths) < 0)), f"step lengths {step_lengths[0]:.3f} .. {step_lengths[-1]:.5f}")

# common mistakes: what the tape watches
trainable, frozen_check = tf.Variable(2.0), tf.Variable(2.0, trainable=False)
from_numpy, constant = tf.convert_to_tensor(np.array(2.0)), tf.constant(2.0)
sources = [trainable, frozen_check, from_numpy, constant]
with tf.GradientTape(persistent=True) as check_tape:
    outputs = [source**2 for source in sources]
watched = [check_tape.gradient(out, source) is not None for out, source in zip(outputs, sources)]
del check_tape
with tf.GradientTape(persistent=True) as check_tape:
    for source in sources[1:]:
        check_tape.watch(source)
    outputs = [source**2 for source in sources[1:]]
watched_when_asked = [check_tape.gradient(out, source) is not None for out, source in zip(outputs, sources[1:])]
del check_tape
claim("`tf.GradientTape` watches trainable `tf.Variable`s by itself, not constants or variables made with "
      "`trainable=False`; for those the gradient is `None` unless you call `tape.watch(...)`",
      watched == [True, False, False, False] and watched_when_asked == [True, True, True],
      f"gradient found: {watched}; after tape.watch: {watched_when_asked}")
array = np.array(2.0)
numpy_errors = []
try:
    with tf.GradientTape() as check_tape:
        check_tape.watch(array)
except (ValueError, TypeError) as error:
    numpy_errors.append(type(error).__name__)
try:
    with tf.GradientTape() as check_tape:
        out = tf.constant(array) ** 2
    check_tape.gradient(out, array)
except (AttributeError, ValueError, TypeError) as error:
    numpy_errors.append(type(error).__name__)
with tf.GradientTape() as check_tape:
    wrapped = tf.constant(array)
    check_tape.watch(wrapped)
    out = wrapped**2
wrapped_gradient = check_tape.gradient(out, wrapped)
claim("A NumPy array is not a tensor at all: `tape.watch` and `tape.gradient` raise an error on it. Wrap it in "
      "`tf.constant(...)` first, then `watch` it",
      len(numpy_errors) == 2 and wrapped_gradient is not None and float(wrapped_gradient) == 4.0,
      f"errors {numpy_errors}; gradient after wrapping and watching {wrapped_gradient}")

# exercises: what their tasks say about the checks and the functions
from course_utils.exercises import gradients as exercises


def _gap(values, target):  # in multiples of the check's tolerance
    return np.max(np.abs(values - target) / (exercises._GRADIENT_RTOL * np.abs(target) + exercises._GRADIENT_ATOL))


def _forward(case):
    return case.each(lambda at, e, step: (at(step * e) - at(0 * e)) / step)


claim("with 1 to 4 parameters and steps as large as $h = 0.3$. There the forward difference, the central difference "
      "and the exact gradient give clearly different numbers",
      sorted(case.n for case in exercises.CASES) == [1, 2, 3, 4] and max(case.h for case in exercises.CASES) == 0.3
      and all(min(_gap(_forward(case), case.central()), _gap(case.exact(), case.central()),
                  _gap(case.exact(), _forward(case))) > 1000 for case in exercises.CASES),
      "for every case the three differ by over 1000x the check's tolerance")


def _changes_params(f, params, h):
    gradient = np.zeros(len(params))
    for i in range(len(params)):
        params[i] += h
        above = f(params)
        params[i] -= 2 * h
        gradient[i] = (above - f(params)) / (2 * h)
    return gradient


claim("so only the central difference passes. The check also makes sure that `params` is unchanged",
      ex1.check(numerical_gradient).passed
      and not ex1.check(lambda f, params, h: np.array([(f(params + h * e) - f(params)) / h
                                                       for e in np.eye(len(params))])).passed
      and "changed the `params`" in ex1.check(_changes_params).message,
      "the shipped solution passes; the forward difference and a version that leaves params moved are rejected")
import json
from pathlib import Path

notebook_04 = Path(course_utils.__file__).resolve().parents[1] / "notebooks" / "04_backprop.ipynb"
cells_04 = [("".join(cell["source"]), cell["cell_type"])
            for cell in json.loads(notebook_04.read_text(encoding="utf-8"))["cells"]]
section_3 = next(i for i, (source, _) in enumerate(cells_04) if "\n## 3. " in "\n" + source)
section_4 = next(i for i, (source, _) in enumerate(cells_04) if "\n## 4. " in "\n" + source)
claim("([Notebook 04](04_backprop.ipynb), §3, checks backpropagation with the course's own version of this function.)",
      any("numerical_gradients(" in source and kind == "code" for source, kind in cells_04[section_3:section_4]),
      "notebook 04's section 3 calls course_utils.gradcheck.numerical_gradients")
himmelblau_at = (lambda p: himmelblau(p[0], p[1]))
small_step_gap = np.abs(numerical_gradient(himmelblau_at, np.array([1.0, 1.0]), 1e-5) - by_tape).max()
large_step_gaps = np.abs(numerical_gradient(himmelblau_at, np.array([1.0, 1.0]), 0.1) - by_tape)
claim("should agree with section 2's tape gradient `by_tape` to about $10^{-9}$ at $h = 10^{-5}$",
      3e-10 < small_step_gap < 3e-9 and np.array_equal(by_tape, [-46.0, -38.0]), f"largest gap {small_step_gap:.1e}")


def third_derivative_along(axis):  # d^3/dt^3 of himmelblau((1, 1) + t e_axis) at t = 0, by three nested tapes
    t = tf.Variable(0.0, dtype=tf.float64)
    with tf.GradientTape() as third:
        with tf.GradientTape() as second:
            with tf.GradientTape() as first:
                point = tf.constant([1.0, 1.0], tf.float64) + t * tf.one_hot(axis, 2, dtype=tf.float64)
                value = himmelblau(point[0], point[1])
            slope = first.gradient(value, t)
        curvature = second.gradient(slope, t)
    return float(third.gradient(curvature, t))


third_derivatives = np.array([third_derivative_along(axis) for axis in range(2)])
claim("At $h = 0.1$ each entry is off by 0.04: that is section 1's $\\frac{h^2}{6} f'''$, taken along each parameter "
      "($\\partial^3 f/\\partial x^3 = 24x$ and $\\partial^3 f/\\partial y^3 = 24y$, both 24 at $(1, 1)$)",
      np.allclose(large_step_gaps, 0.04, rtol=1e-9) and np.allclose(third_derivatives, 24.0)
      and np.allclose(0.1**2 / 6 * third_derivatives, large_step_gaps, rtol=1e-9),
      f"gaps {large_step_gaps}, third derivatives by nested tapes {third_derivatives}")

import inspect

from keras.src.backend.tensorflow.trainer import TensorFlowTrainer
from keras.src.optimizers.sgd import SGD as KerasSGD

step_source = inspect.getsource(TensorFlowTrainer.train_step)
claim("Keras's `fit` takes each step another way: it records the loss on a `tf.GradientTape`, asks the tape for the "
      "gradient, and lets the optimizer change the weights in place (Keras keeps each weight in a `tf.Variable`)",
      "tf.GradientTape()" in step_source and "tape.gradient(loss, trainable_weights)" in step_source
      and "optimizer.apply_gradients" in step_source and "assign_sub" in inspect.getsource(KerasSGD.update_step)
      and isinstance(layer.kernel.value, tf.Variable), "Keras 3's TensorFlow train_step and SGD.update_step")
claim("compares the result with a reference loop, to a relative $10^{-5}$ (float32 rounding passes)",
      exercises._LINE_RTOL == 1e-5 and ex2.check(train_line).passed
      and {run.steps for run in exercises.LINES} >= {0} and all(run.learning_rate != 0.1 for run in exercises.LINES),
      "the shipped float32 solution passes at rtol 1e-5")
def train_with_sgd(x, y, learning_rate, steps):
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    optimizer = keras.optimizers.SGD(learning_rate)
    for _ in range(steps):
        with tf.GradientTape() as check_tape:
            line_loss = tf.reduce_mean((w * x + b - y) ** 2)
        optimizer.apply_gradients(zip(check_tape.gradient(line_loss, [w, b]), [w, b]))
    return w, b


def train_with_new_variables(x, y, learning_rate, steps):
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as check_tape:
            line_loss = tf.reduce_mean((w * x + b - y) ** 2)
        dw, db = check_tape.gradient(line_loss, [w, b])
        w, b = tf.Variable(w - learning_rate * dw), tf.Variable(b - learning_rate * db)
    return w, b


def train_by_hand_beside_a_tape(x, y, learning_rate, steps):
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as check_tape:
            product = w * b
        check_tape.gradient(product, [w, b])
        error = w * x + b - y
        w.assign_sub(learning_rate * 2 * tf.reduce_mean(error * x))
        b.assign_sub(learning_rate * 2 * tf.reduce_mean(error))
    return w, b


claim("(with their `assign_sub` method, or an optimizer's `apply_gradients`)", ex2.check(train_with_sgd).passed,
      "keras.optimizers.SGD(learning_rate).apply_gradients on the two Variables passes")
claim("It also watches what your code asks the tape (the same two Variables at every step, and the gradient of the "
      "mean squared error)",
      "new Variables at every step" in ex2.check(train_with_new_variables).message
      and "not by the tape's gradient" in ex2.check(train_by_hand_beside_a_tape).message,
      "new Variables at each step, and a hand-made step beside a tape asked about w * b, are both rejected")
x_tf, y_tf = tf.constant(x_data, tf.float32), tf.constant(y_data, tf.float32)
fit_distances = [np.linalg.norm(np.array([float(v) for v in train_line(x_tf, y_tf, 0.1, steps)]) - best.location)
                 for steps in (100, 200)]
claim("should end close to the least-squares line of section 4, and closer with more steps",
      fit_distances[0] < 0.05 and fit_distances[1] < fit_distances[0] / 10,
      f"distance to the least-squares (w, b) after 100 and 200 steps: {fit_distances[0]:.4f}, {fit_distances[1]:.5f}")

# common mistakes: replacing a Variable by a Tensor
rebound = tf.Variable(1.0)
with tf.GradientTape() as check_tape:
    out = rebound**2
rebound = rebound - 0.1 * check_tape.gradient(out, rebound)
with tf.GradientTape() as check_tape:
    out = rebound**2
after_rebinding = check_tape.gradient(out, rebound)
kept = tf.Variable(1.0)
kept_before = kept
with tf.GradientTape() as check_tape:
    out = kept**2
kept.assign_sub(0.1 * check_tape.gradient(out, kept))
with tf.GradientTape() as check_tape:
    out = kept**2
def train_by_rebinding(x, y, learning_rate, steps):
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as check_tape:
            line_loss = tf.reduce_mean((w * x + b - y) ** 2)
        dw, db = check_tape.gradient(line_loss, [w, b])
        w, b = w - learning_rate * dw, b - learning_rate * db
    return w, b


rebinding_verdict = ex2.check(train_by_rebinding).message
claim("If the name `w` is given to the result of some arithmetic, the Variable is lost, the tape does not watch the "
      "new Tensor, and the next step's gradient is `None`. Exercise 2's check names this slip",
      not isinstance(rebound, tf.Variable) and tf.is_tensor(rebound) and after_rebinding is None
      and kept is kept_before and isinstance(kept, tf.Variable) and check_tape.gradient(out, kept) is not None
      and "no longer a `tf.Variable`" in rebinding_verdict and "w = w - learning_rate * dw" in rebinding_verdict,
      f"after rebinding: {type(rebound).__name__}, gradient {after_rebinding}; ex2 says: {rebinding_verdict[:90]}")
