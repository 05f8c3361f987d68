"""Claims of 02 · Learning rate: each conclusion of the prose, held by the notebook's own variables."""

import numpy as np

from course_utils import exercises
from course_utils.descent import classify_run, gradient_descent


def per_step(losses):
    losses = np.asarray(losses, dtype=float)
    return losses[1:] / losses[:-1]


def full_batch(inputs, targets, rate, steps=300):
    """Full-batch gradient descent on the mean squared error from zero; the final distance to the fit (relative)."""
    best = np.linalg.lstsq(inputs, targets, rcond=None)[0]
    w = np.zeros(inputs.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            w = w - rate * 2 / len(targets) * inputs.T @ (inputs @ w - targets)
    distance = np.linalg.norm(w - best) / np.linalg.norm(best)
    return distance if np.isfinite(distance) else np.inf


# §1 one step on a parabola
too_small, good = runs["too small"], runs["good"]
claim("ends at 8.4e-02: correct, but far from the minimum after 30 steps",
      f"{too_small.final_loss:.1e}" == "8.4e-02" and too_small.final_loss > 1e-3 * too_small.losses[0],
      f"final loss {too_small.final_loss:.3g}")
claim(r"the loss shrinks by $0.92^2 \approx 0.85$ per step",
      np.allclose(per_step(too_small.losses), 0.92**2), f"ratios {per_step(too_small.losses)[[0, -1]]}")
claim("*Good* (factor +0.2, loss ×0.04 per step) falls by 42 powers of ten in the same 30 steps",
      np.allclose(per_step(good.losses), 0.04) and round(np.log10(good.losses[0] / good.final_loss)) == 42,
      f"decades {np.log10(good.losses[0] / good.final_loss):.2f}")
claim("a straight line that never flattens: nothing stops it before the minimum",
      np.ptp(per_step(good.losses)) < 1e-9 and good.final_loss > 0, "constant ratio down to the last step")
oscillating = runs["oscillating"]
claim("the **parameter** oscillates while the loss $a x^2/2$ still falls every step",
      np.all(np.sign(oscillating.path[1:]) != np.sign(oscillating.path[:-1]))
      and np.all(np.diff(oscillating.losses) < 0), "sign flips every step, loss decreasing")
claim("The loss grows geometrically: a straight line going *up* on a log scale.",
      np.allclose(per_step(runs["diverging"].losses), 1.2**2), "constant ratio 1.44")
one_step = gradient_descent(parabola, 2.5, 1 / a, steps=5)
claim(r"So the rate must satisfy $0 < \eta < 2/a$, and the fastest one is $\eta = 1/a$",
      classify_run(one_step) == "converges in one step", classify_run(one_step))

# §2 the bound, checked
near_limit = {ra: abs(gradient_descent(parabola, 2.5, ra / a, steps=200).final_point) / 2.5 for ra in (1.99, 2.01)}
claim(r"$\eta a = 1.99$ still converges (slowly: $0.99^{200} \approx 0.13$)",
      round(near_limit[1.99], 2) == 0.13, f"|x| / |x0| = {near_limit[1.99]:.3f}")
claim(r"$\eta a = 2.01$ diverges (slowly: $1.01^{200} \approx 7.3$)",
      round(near_limit[2.01], 1) == 7.3, f"|x| / |x0| = {near_limit[2.01]:.3f}")

# §3 several parameters
runs_valley = dict(zip(valley_rates, valley_runs.values()))
claim("so the loss first falls fast (×0.53 at the first step)", round(valley_ratios[0.02][0], 2) == 0.53,
      f"{valley_ratios[0.02]}")
claim("the loss ratio creeps up to 0.96", round(valley_ratios[0.02][1], 2) == 0.96, f"{valley_ratios[0.02]}")
claim("both directions shrink at almost the same pace", abs(abs(1 - 0.095) - abs(1 - 0.095 * 20)) < 0.01,
      "factors 0.905 and 0.90")
claim("The loss falls by the same ratio, 0.81, at the first step and at the last",
      [round(r, 2) for r in valley_ratios[0.095]] == [0.81, 0.81]
      and np.ptp(per_step(runs_valley[0.095].losses)) < 0.01, f"{valley_ratios[0.095]}")
claim("after 60 steps it is the lowest of the three by far",
      runs_valley[0.095].final_loss < 0.01 * min(runs_valley[0.02].final_loss, runs_valley[0.105].final_loss),
      f"{[run.final_loss for run in runs_valley.values()]}")
claim(r"This rate is almost exactly the best single rate $2/(a_1 + a_2) = 0.0952$", abs(0.095 - 2 / 21) < 1e-3,
      f"2/21 = {2 / 21:.4f}")
y_path = runs_valley[0.105].path[:, 1]
claim("the zigzag grows by 1.1 per step and the run diverges",
      np.allclose(y_path[1:] / y_path[:-1], -1.1) and runs_valley[0.105].final_loss > 1e4 * runs_valley[0.105].losses[0],
      "y multiplied by -1.1 per step")
claim("it still loses only about 10 % per step", abs((1 - 0.095) - 0.9) < 0.01, "flat factor 0.905")
steps_by_kappa = {}
for kappa in (10, 100, 1000):
    run = gradient_descent(landscapes.quadratic(1.0, float(kappa)), [1.0, 1.0], 2 / (1 + kappa), steps=4 * kappa + 10)
    steps_by_kappa[kappa] = int(np.argmax(run.losses < 1e-6 * run.losses[0]))
per_kappa = [steps_by_kappa[k] / k for k in steps_by_kappa]
claim(r"the number of steps grows in proportion to $\kappa$", max(per_kappa) / min(per_kappa) < 1.1,
      f"steps / kappa {per_kappa}")

# the Hessian
claim("the turned valley has the same curvatures, 1 and 20, and the same limit 0.1",
      np.allclose(curvatures_rotated, [1.0, 20.0]) and rotated_distances[0.099] < 0.01 and rotated_distances[0.101] > 100,
      f"eigenvalues {curvatures_rotated}, distances {rotated_distances}")
diagonal_rate = 2 / hessian.diagonal().max()
claim("the diagonal of $H$ (the curvature along each parameter's own axis) would suggest a rate that diverges",
      diagonal_rate > 0.1 and rotated_distances[diagonal_rate] > 1e3, f"rate {diagonal_rate:.3f}")

# §4 Keras
final = {name: history.history["loss"][-1] for name, (history, _) in keras_runs.items()}
claim("*Too small*: a steady fall that is far from done after 15 epochs.",
      final["too small"] > 5 * final["good"] and keras_runs["too small"][0].history["loss"][0] > 3 * final["too small"],
      f"{final}")
claim("epoch 15 ends well above the good run (0.222 against 0.0625)",
      f"{final['oscillating']:.3g}" == "0.222" and f"{final['good']:.3g}" == "0.0625", f"{final}")
rises = {name: int(np.sum(np.diff(keras_runs[name][0].history["loss"]) > 0)) for name in ("good", "oscillating")}
claim("then the loss jumps back up again and again", rises["oscillating"] >= 3 and rises["good"] == 0,
      f"epochs whose loss rose over the one before: {rises}")
diverging = keras_runs["diverging"][1]
first_bad = int(np.argmax(~np.isfinite(diverging)))
claim("after about a dozen batches the loss grows geometrically, overflows to infinity, and then becomes NaN",
      diverging[first_bad] == np.inf and np.isnan(diverging[first_bad:]).any()
      and diverging[first_bad - 1] > 1e20 * diverging[:12].max(), f"first invalid {diverging[first_bad]} at {first_bad}")

# §5 NaN
claim("stops at the first invalid loss, NaN *or* infinite",
      len(history.history["loss"]) < 5 and not np.isfinite(history.history["loss"][-1])
      and np.isfinite(batch_losses[:-1]).all() and not np.isfinite(batch_losses[-1]),
      f"{len(history.history['loss'])} epochs, {len(batch_losses)} batches")
claim("Stopped in time, the weights are still finite, but enormous",
      all(np.isfinite(w).all() for w in weights) and max(np.abs(w).max() for w in weights) > 1e20, "")

# §6 the range test on linear regression
candidates_line = line_finder.candidates()
claim("stops once the smoothed loss exceeds 4× its lowest value",
      line_finder.stop_factor == 4 and line_finder.smoothed[-1] > 4 * min(line_finder.smoothed), "")
claim("the smoothed loss is lowest at 4.6× the limit, and the test stops only at 5.8×",
      round(line_finder.minimum_rate() / limit, 1) == 4.6 and round(line_rates[-1] / limit, 1) == 5.8,
      f"{line_finder.minimum_rate() / limit:.2f}, {line_rates[-1] / limit:.2f}")
claim("Here the minimum of the curve is *not* a safe rate, and the two cautious candidates are.",
      candidates_line["minimum"] > limit > max(candidates_line["steepest"], candidates_line["minimum / 10"]),
      f"{candidates_line}, limit {limit:.3f}")
claim("by the time the rate reaches the limit this component has all but vanished",
      np.prod(steep_factors[below]) < 1e-6, f"{np.prod(steep_factors[below]):.1e}")
claim("it grows only as fast as the rate, ×1.12 per step", round(line_finder.factor, 2) == 1.12, "")
claim("it takes more than a dozen steps past the limit to grow back", (~below).sum() > 12, f"{(~below).sum()} steps")
claim("it reaches each loss at a higher rate than the batch losses do", lag > 1.5, f"lag x{lag:.2f}")
claim("with a rate that rises more slowly, the explosion comes much closer to the limit",
      slow_finder.rates[-1] / limit < 0.5 * line_rates[-1] / limit, f"{slow_finder.rates[-1] / limit:.2f}x")
claim("some batches have a limit well below the full-batch one", (batch_limits / limit).min() < 0.7,
      f"{np.round(batch_limits / limit, 2)}")

# Why curve A jumps: rebuild the exercise's data (course_utils.exercises) and check it against the curve
mystery_rng = np.random.default_rng(3)
X_m = mystery_rng.normal(size=(200, 4)) * [3.0, 1.0, 0.5, 0.2]
y_m = X_m @ [1.0, -2.0, 0.5, 3.0] + 0.5 * mystery_rng.normal(size=200)
limit_m = 2 / np.linalg.eigvalsh(2 / 200 * X_m.T @ X_m).max()
order_m = mystery_rng.permutation(np.tile(np.arange(200), 120 * 10 // 200 + 1))
kind_a, factor_a = exercises._MYSTERY["A"]
rate_a = factor_a * limit_m
own_limits = np.array([2 / np.linalg.eigvalsh(2 / 10 * X_m[rows].T @ X_m[rows]).max()
                       for rows in order_m[:1200].reshape(120, 10)])
rebuilt = np.allclose(exercises._sgd_losses(factor_a), mystery["A"])
curve_a = np.asarray(mystery["A"])
claim("Why curve A jumps although its rate is below the full-batch limit.",
      rebuilt and kind_a == "oscillating" and factor_a < 1, f"rate factor {factor_a}")
claim("for many of its batches the rate is above their own limit, so those steps overshoot and the loss spikes",
      np.mean(rate_a > own_limits) > 0.2 and curve_a[10:].max() > 10 * np.median(curve_a[10:]),
      f"{np.mean(rate_a > own_limits):.0%} of the batches; spike x{curve_a[10:].max() / np.median(curve_a[10:]):.0f}")
claim("mini-batch training can become unstable *below* the full-batch limit",
      factor_a < 1 and curve_a[10:].max() > 10 * np.median(curve_a[10:]), "curve A, at 0.9 x the full-batch limit")

# §7 standardising
kappa_raw, kappa_scaled = (c.max() / c.min() for c in (curvatures_line, curvatures_scaled))
scaled_only = np.hstack([X_line / X_line.std(axis=0), np.ones((128, 1))])
kappa_scaled_only = np.linalg.cond(2 / 128 * scaled_only.T @ scaled_only)
claim(r"This linear problem has $\kappa$ = 44", round(kappa_raw) == 44, f"{kappa_raw:.2f}")
claim("its inputs differ in scale (standard deviations 1, 3 and 0.5) and one of them has a mean far from 0",
      kappa_scaled_only > 3 * kappa_scaled and kappa_raw > 5 * kappa_scaled_only,
      f"kappa raw {kappa_raw:.1f}, divided by the stds only {kappa_scaled_only:.1f}, standardised {kappa_scaled:.2f}")
claim(r"Standardising cut $\kappa$ from 44 to 1.6 and raised the limit about 7× (0.118 → 0.859)",
      round(kappa_scaled, 1) == 1.6 and round(limit, 3) == 0.118 and round(limit_scaled, 3) == 0.859
      and round(limit_scaled / limit) == 7, f"{kappa_scaled:.2f}, {limit:.4f} -> {limit_scaled:.4f}")
limit_gain = limit_scaled / limit
moves = [scaled_finder.minimum_rate() / line_finder.minimum_rate(), scaled_finder.rates[-1] / line_finder.rates[-1],
         scaled_finder.suggestion() / line_finder.suggestion()]
claim("its minimum and its explosion move right by about as much, and so does the minimum / 10 (0.055 → 0.394)",
      all(limit_gain / 1.5 < m < limit_gain * 1.5 for m in moves)
      and f"{line_finder.suggestion():.3f}" == "0.055" and f"{scaled_finder.suggestion():.3f}" == "0.394",
      f"moves {np.round(moves, 2)}, limit x{limit_gain:.2f}")
fit_steps = {name: steps_to_fit(inputs, curvatures) for name, (curvatures, _, inputs) in scaling.items()}
claim("full-batch descent needs 9 steps instead of 301", list(fit_steps.values()) == [301, 9], f"{fit_steps}")
claim("cut the steps to fit from 301 to 9", list(fit_steps.values()) == [301, 9], f"{fit_steps}")
correlation = np.corrcoef(X_line.T)
pieces = np.append(np.linalg.eigvalsh(correlation), 1.0)  # standardised Hessian = 2 [[corr, 0], [0, 1]]
claim("what is left of $\\kappa$ comes from the correlations between inputs",
      np.isclose(kappa_scaled, pieces.max() / pieces.min()), f"{kappa_scaled:.4f}")
precondition = np.diag(hessian.diagonal() ** -0.5)
kappa_per_parameter = np.linalg.cond(precondition @ hessian @ precondition)
claim("on the turned valley of section 3 it leaves $\\kappa$ large", kappa_per_parameter > 10,
      f"kappa after per-parameter scaling {kappa_per_parameter:.1f} (axis-aligned: 1)")


def steps_heavy_ball(h, momentum, rate, tolerance=1e-6, limit_steps=10_000):
    w, v = np.array([-2.8, 1.0]), np.zeros(2)
    start = np.linalg.norm(w)
    for step in range(1, limit_steps):
        v = momentum * v - rate * h @ w
        w = w + v
        if np.linalg.norm(w) < tolerance * start:
            return step
    return limit_steps


lo, hi = curvatures_rotated.min(), curvatures_rotated.max()
steps_plain = steps_heavy_ball(hessian, 0.0, 2 / (lo + hi))
steps_momentum = steps_heavy_ball(hessian, ((hi**0.5 - lo**0.5) / (hi**0.5 + lo**0.5)) ** 2, 4 / (hi**0.5 + lo**0.5) ** 2)
claim("so it helps in any ill-conditioned valley, turned or not", steps_momentum < steps_plain / 2,
      f"steps to 1e-6 on the turned valley: plain {steps_plain}, momentum {steps_momentum}")

# §8 choosing a rate from the range test
finite_grid = {rate: loss for rate, loss in grid_losses.items() if np.isfinite(loss)}
claim("On this network the minimum of the curve trains best: 0.0467 after 15 epochs, lower than any rate of the grid",
      picked == "minimum" and candidate_losses["minimum"] < min(finite_grid.values())
      and f"{candidate_losses['minimum']:.3g}" == "0.0467", f"{candidate_losses}")
claim("(its best, 0.2, reaches 0.049)", best_grid_rate == 0.2 and f"{grid_losses[0.2]:.2g}" == "0.049",
      f"{grid_losses}")
claim("The kept rate, 0.192, is within a factor 1.04 of the grid's best, 0.2.",
      f"{picked_rate:.3g}" == "0.192" and max(picked_rate / best_grid_rate, best_grid_rate / picked_rate) < 1.05,
      f"kept {picked_rate:.4f}, grid best {best_grid_rate}")
worse = {name: candidate_losses[name] / candidate_losses["minimum"] for name in ("minimum / 10", "steepest")}
claim("The minimum / 10 and the steepest point reach only 0.446 and 0.464, about ten times worse.",
      f"{candidate_losses['minimum / 10']:.3g}" == "0.446" and f"{candidate_losses['steepest']:.3g}" == "0.464"
      and all(7 < w < 13 for w in worse.values()), f"{worse}")
claim("always taking the minimum / 10 cost this network a loss ten times higher", 7 < worse["minimum / 10"] < 13,
      f"{worse}")
line_distances = {name: full_batch(X_tilde, y_line, rate) for name, rate in candidates_line.items()}
claim("the minimum lay past the exact limit, where full-batch descent diverges, and only the two cautious candidates "
      "were stable", line_distances["minimum"] == np.inf and line_distances["minimum / 10"] < 0.01
      and line_distances["steepest"] < 0.1, f"relative distance to the fit after 300 steps: {line_distances}")
claim("always taking the minimum diverges on the linear problem", line_distances["minimum"] == np.inf, "")
kept_line = min(line_distances, key=line_distances.get)
best_line_rate = 2 / (curvatures_line.min() + curvatures_line.max())
claim("What worked on both: take the three candidates, train each for a few epochs, keep the best.",
      kept_line == "minimum / 10" and candidates_line[kept_line] > best_line_rate / 2.5 and picked == "minimum",
      f"linear: keeps {kept_line} = {candidates_line[kept_line]:.3g} (best rate {best_line_rate:.3g}); network: {picked}")

# takeaways and common mistakes
claim("here it raised the stable rate 7×", round(limit_scaled / limit) == 7, f"x{limit_scaled / limit:.2f}")
claim("Its curve explodes well past the limit", line_rates[-1] > 3 * limit, f"{line_rates[-1] / limit:.1f}x")
claim("(here to 4.6× it)", round(line_finder.minimum_rate() / limit, 1) == 4.6, "")
claim("then only $x$ is left, which loses 2 % per step",
      abs(runs_valley[0.02].path[-1, 1]) < 1e-12 and np.isclose(runs_valley[0.02].path[-1, 0] / runs_valley[0.02].path[-2, 0], 0.98),
      "y is gone, x shrinks by 0.98")
