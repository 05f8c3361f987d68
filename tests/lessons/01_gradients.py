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

right = hs >= 1e-4  # truncation regime
forward_slope = np.polyfit(np.log10(hs[right]), np.log10(forward_errors[right]), 1)[0]
central_slope = np.polyfit(np.log10(hs[right]), np.log10(central_errors[right]), 1)[0]
claim("it shrinks like $h$ for the forward difference (slope 1 on the log-log plot) and like $h^2$ for the central "
      "one (slope 2)", abs(forward_slope - 1) < 0.05 and abs(central_slope - 2) < 0.05,
      f"fitted slopes {forward_slope:.3f}, {central_slope:.3f} for h >= 1e-4")

tiny = hs <= 1e-11
claim("which grows as $h$ shrinks",
      all(np.median(errors[tiny]) > 100 * errors.min() for errors in (forward_errors, central_errors)),
      "median error for h <= 1e-11 over 100x the smallest error, both differences")

best_forward_measured = hs[np.argmin(forward_errors)]
best_central_measured = hs[np.argmin(central_errors)]
claim("the forward curve bottoms out near $10^{-8}$",
      1 / 3 < best_forward_measured / best_forward_h < 3 and 1 / 3 < best_forward_measured / 1e-8 < 3,
      f"measured best h {best_forward_measured:.1e}, formula {best_forward_h:.1e}")
claim("the central one near $5\\cdot10^{-6}$",
      1 / 3 < best_central_measured / best_central_h < 3 and 1 / 3 < best_central_measured / 5e-6 < 3,
      f"measured best h {best_central_measured:.1e}, formula {best_central_h:.1e}")
claim("each gets worse below its best $h$",
      forward_errors[hs < best_forward_h / 10].min() > 3 * forward_errors.min()
      and central_errors[hs < best_central_h / 10].min() > 3 * central_errors.min(),
      "every error 10x below the formula's best h exceeds 3x the smallest error")
claim("but already about $5\\cdot10^{-6}$ for the central one",
      1 / 3 < best_central_measured / 5e-6 < 3 and central_errors[hs < 1e-6].min() > 3 * central_errors.min(),
      f"smallest central error below h = 1e-6: {central_errors[hs < 1e-6].min():.1e}, "
      f"overall {central_errors.min():.1e}")
claim("The central difference with $h = 10^{-5}$ is accurate to about 10 digits", correct_digits == 10,
      f"{correct_digits} correct digits")

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
claim("near the hill top at $(-0.27, -0.92)$ (▲, a local maximum)",
      np.allclose(hill_top, [-0.27, -0.92], atol=0.005) and np.all(top_curvatures < 0)
      and np.linalg.norm(himmelblau_landscape.gradient(hill_top)) < 1e-9,
      f"hill top {hill_top}, Hessian eigenvalues {top_curvatures}")
minimum_sizes = [np.linalg.norm(himmelblau_landscape.gradient(m.location)) for m in himmelblau_landscape.minima]
claim("a zero gradient says \"flat here\", not \"minimum here\"",
      max(minimum_sizes) < 1e-6 and np.linalg.norm(himmelblau_landscape.gradient(hill_top)) < 1e-9
      and np.all(top_curvatures < 0), "zero gradient at the four minima and at the maximum")

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
claim("the steepest is about 21 times the flattest",
      np.allclose(measured_hessian, hessian_of_loss, atol=1e-6) and np.allclose(eigenvalues, curvatures)
      and round(curvatures[1] / curvatures[0]) == 21,
      f"ratio {curvatures[1] / curvatures[0]:.2f}")
claim("centring the input ($x - \\bar x$) makes the valley almost round (ratio 1.4)",
      round(centred_curvatures[1] / centred_curvatures[0], 1) == 1.4,
      f"ratio {centred_curvatures[1] / centred_curvatures[0]:.3f}")

# §4 gradient descent, by hand
loop_losses = np.array([mse(*point) for point in path])
claim("The loss falls at every step and ends close to the least-squares value",
      bool(np.all(np.diff(loop_losses) < 0)) and loop_losses[-1] < 1.05 * best.value,
      f"final loss {loop_losses[-1]:.5f}, least squares {best.value:.5f}")
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
flat_factor = (1 - learning_rate * curvatures[0]) ** 2
claim("That late factor belongs to the flat direction", abs(ratios[-1] - flat_factor) < 1e-4,
      f"late {ratios[-1]:.5f}, (1 - lr λ_flat)^2 = {flat_factor:.5f}")
claim("the steps shrink as the gradient shrinks near the minimum",
      bool(np.all(np.diff(step_lengths) < 0)), f"step lengths {step_lengths[0]:.3f} .. {step_lengths[-1]:.5f}")
