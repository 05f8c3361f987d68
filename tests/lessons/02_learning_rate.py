"""Claims of 02 · Learning rate: each conclusion of the prose, held by the notebook's own variables."""

import numpy as np

from course_utils.descent import classify_run, gradient_descent
from course_utils.exercises import learning_rate as exercise_02


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
claim("*Good* (factor +0.2, loss ×0.04 per step) falls from 12.5 to 1.4e-41, by 42 powers of ten, in the same 30 steps",
      np.allclose(per_step(good.losses), 0.04) and round(np.log10(good.losses[0] / good.final_loss)) == 42
      and good.losses[0] == 12.5 and f"{good.final_loss:.1e}" == "1.4e-41",
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
balanced = (1 - 2 / 21 * 1, 1 - 2 / 21 * 20)
claim("which makes the two factors equal in size and opposite in sign",
      np.isclose(balanced[0], -balanced[1]) and np.isclose(balanced[0], 19 / 21) and round(19 / 21, 3) == 0.905,
      f"factors {balanced}")
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
epochs_of = {name: np.array(history.history["loss"]) for name, (history, _) in keras_runs.items()}
claim("*Too small*: a steady fall that is far from done after 15 epochs (2.1 → 0.54)",
      np.all(np.diff(epochs_of["too small"]) < 0) and final["too small"] > 5 * final["good"]
      and f"{epochs_of['too small'][0]:.2g}" == "2.1" and f"{final['too small']:.2g}" == "0.54", f"{final}")
change = np.round(good_change)  # percent per epoch, epochs 2..15
claim("Its epoch means fall slowly at first (6 to 7 % per epoch over epochs 3 to 6), then fast (12 to 28 % per epoch "
      "over epochs 7 to 13)",
      np.all((change[1:5] <= -6) & (change[1:5] >= -7)) and np.all((change[5:12] <= -12) & (change[5:12] >= -28))
      and change[5:12].min() == -28 and change[5:12].max() == -12, f"changes {change}")
claim("at epoch 15 the loss, 0.063, is still falling, about seven times the noise floor (0.009): 15 epochs are not "
      "enough to reach a floor",
      change[-1] < -3 and f"{final['good']:.2g}" == "0.063" and f"{noise_floor:.3f}" == "0.009"
      and round(final["good"] / noise_floor) == 7, f"last change {change[-1]}%, x{final['good'] / noise_floor:.2f}")
claim("textbook \"fast, then slow to a floor\"", change[1:5].max() > change[5:12].max() + 4,
      "the slow stretch comes before the fast one")
osc_epochs, good_epochs = epochs_of["oscillating"], epochs_of["good"]
osc_below = [int(e) + 1 for e in np.flatnonzero(osc_epochs < good_epochs)]
claim("it falls faster at first (its epoch mean is below the good run's in epochs 5, 6 and 8 to 11)",
      osc_below == [5, 6, 8, 9, 10, 11], f"below in epochs {osc_below}")
osc_rise = np.max(osc_epochs[1:] / osc_epochs[:-1])
claim("from one epoch to the next its mean jumps back up, by up to ×2.1, so where it ends depends on when you stop "
      "(epoch 15 is a high one, 0.22 against 0.063)",
      f"{osc_rise:.1f}" == "2.1" and f"{final['oscillating']:.2g}" == "0.22" and f"{final['good']:.2g}" == "0.063"
      and final["oscillating"] > np.median(osc_epochs[-5:]) and np.sum(np.diff(osc_epochs) > 0) >= 3,
      f"rise x{osc_rise:.3f}; epochs {osc_epochs}")
claim("Over epochs 11 to 15 its median is 0.13 against the good run's 0.073",
      f"{np.median(osc_epochs[-5:]):.2g}" == "0.13" and f"{np.median(good_epochs[-5:]):.2g}" == "0.073",
      f"{np.median(osc_epochs[-5:]):.4f} {np.median(good_epochs[-5:]):.4f}")
fixed_vs_recorded = fixed_batch_losses / keras_runs["too small"][1][:16]
claim("each is measured on a different 16 rows: at the initial weights, before any step, the 16 batches of epoch 1 "
      "already range from 1.0 to 4.2 (2.3 on all rows)",
      f"{fixed_batch_losses.min():.1f}" == "1.0" and f"{fixed_batch_losses.max():.1f}" == "4.2"
      and abs(fixed_vs_recorded[0] - 1) < 1e-5 and np.corrcoef(fixed_batch_losses, keras_runs["too small"][1][:16])[0, 1] > 0.95,
      # the same batches as the runs' first epoch (lr 0.002 has barely moved the weights)
      f"fixed {np.round(fixed_batch_losses, 3)}; ratio to lr 0.002's batch losses {np.round(fixed_vs_recorded, 3)}")
first_batches = [keras_runs[name][1][0] for name in ("too small", "good", "oscillating")]
claim("its first batch happens to be an easy one (1.0): that is why the faint trace of the too-small run seems to "
      "rise at the start",
      fixed_batch_losses[0] == fixed_batch_losses.min() and all(f"{loss:.1f}" == "1.0" for loss in first_batches)
      and all(keras_runs[name][1][1:4].max() > 1.5 * keras_runs[name][1][0] for name in ("too small",)),
      f"first batch losses {first_batches}; next three {[np.round(keras_runs[n][1][1:4], 2) for n in ('too small', 'good', 'oscillating')]}")
means_rebuilt = [np.mean(keras_runs["good"][1][16 * e:16 * (e + 1)]) for e in range(15)]
claim(r"with batches of equal size the loss of batch $k$ is $k\,m_k - (k-1)\,m_{k-1}$",
      np.allclose(means_rebuilt, epochs_of["good"], rtol=1e-4), "the recovered batch losses average to each epoch's mean")
claim("That is Keras's `history[\"loss\"][-1]`, the mean loss over epoch 15, averaged over its batches while the "
      "weights still move", np.isclose(means_rebuilt[-1], final["good"], rtol=1e-4), f"{means_rebuilt[-1]:.5f}")
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.fit(batches(X, y, batch_size=16, seed=1), epochs=1, steps_per_epoch=1, shuffle=True, verbose=0)
claim("Keras ignores `fit`'s `shuffle` for such a pipeline and warns when it is `True`, its default",
      any("shuffle=True" in str(w.message) and "will be ignored" in str(w.message) for w in caught)
      and __import__("inspect").signature(model.fit).parameters["shuffle"].default is True,
      f"{[str(w.message)[:60] for w in caught]}")

# the network's own limit
n_weights = sum(w.size for w in initial_weights)
start_limit, good_limit, osc_limit = net_limits.values()
claim("65 weights, so $H$ is a 65 × 65 table", n_weights == 65, f"{n_weights}")
claim("at the start the limit is 0.31, so 0.4 and 0.5 are both above it",
      f"{start_limit:.2f}" == "0.31" and start_limit < 0.4, f"{start_limit:.4f}")
claim("The run at 0.5 never comes back", not np.isfinite(final["diverging"]), f"{final['diverging']}")
osc_path, good_path = epoch_limits["oscillating"], epoch_limits["good"]
claim("The run at 0.4 survives: after one epoch its limit has jumped to 0.72",
      np.isfinite(final["oscillating"]) and f"{osc_path[0]:.2f}" == "0.72" and osc_path[0] > 2 * start_limit,
      f"{osc_path}")
claim("then the limit falls back (0.37 in epoch 6), and over epochs 10 to 15 it hovers at 0.38 to 0.42, right at its "
      "own rate", f"{osc_path[5]:.2f}" == "0.37" and f"{osc_path[9:].min():.2f}" == "0.38"
      and f"{osc_path[9:].max():.2f}" == "0.42" and np.isclose(osc_path[-1], osc_limit)
      and f"{osc_limit:.2f}" == "0.38", f"{osc_path}")
claim("from 0.40 after the first epoch to 0.25, never rising",
      f"{good_path[0]:.2f}" == "0.40" and f"{good_path[-1]:.2f}" == "0.25" and np.all(np.diff(good_path) <= 0)
      and np.isclose(good_path[-1], good_limit), f"{good_path}")
claim("The good run stays well inside its limit (0.1 against 0.25), although that limit fell during training",
      0.1 < 0.5 * good_limit and good_limit < start_limit and f"{good_limit:.2f}" == "0.25", f"{good_limit:.4f}")
claim("for a small network it can be computed, and it moves with the weights",
      max(net_limits.values()) > 1.3 * min(net_limits.values()), f"{net_limits}")
rises = {name: int(np.sum(np.diff(keras_runs[name][0].history["loss"]) > 0)) for name in ("good", "oscillating")}
claim("but it never settles", rises["oscillating"] >= 3 and rises["good"] == 0,
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
claim("with `TerminateOnNaN(raise_error=True)` it raises an error instead of stopping quietly",
      "raise_error" in __import__("inspect").signature(keras.callbacks.TerminateOnNaN).parameters
      and "RuntimeError" in __import__("inspect").getsource(keras.callbacks.TerminateOnNaN.on_batch_end), "")
claim("Stopped in time, the weights are still finite, but enormous",
      all(np.isfinite(w).all() for w in weights) and max(np.abs(w).max() for w in weights) > 1e10, "")

# §6 the range test on linear regression
candidates_line = line_finder.candidates()
claim("raises it exponentially (by the same factor at every batch)",
      np.allclose(line_rates[1:] / line_rates[:-1], line_finder.factor, rtol=1e-4), f"x{line_finder.factor:.3f}")
average, rebuilt_smooth = 0.0, []
for k, loss in enumerate(line_finder.losses, start=1):
    average = 0.9 * average + 0.1 * loss
    rebuilt_smooth.append(average / (1 - 0.9**k))
claim("$s_k = 0.9\\,s_{k-1} + 0.1\\,\\ell_k$, which remembers roughly the last $1/(1 - 0.9) = 10$ batches, divided by "
      "$1 - 0.9^k$", line_finder.beta == 0.9 and np.allclose(rebuilt_smooth, line_finder.smoothed), "")
probe = np.random.default_rng(0).normal(size=(2, 4))
gradient_of = lambda w: 2 / 128 * X_tilde.T @ (X_tilde @ w - y_line)  # noqa: E731
claim("differentiating once more gives the Hessian $\\frac{2}{n}\\tilde X^\\top \\tilde X$, the same at every $w$",
      np.allclose(gradient_of(probe[0]) - gradient_of(probe[1]), 2 / 128 * X_tilde.T @ X_tilde @ (probe[0] - probe[1])),
      "the gradient changes by H times the change of w")
claim("stops once the smoothed loss exceeds 4× its lowest value",
      line_finder.stop_factor == 4 and line_finder.smoothed[-1] > 4 * min(line_finder.smoothed), "")
claim("the smoothed loss is lowest at 4.6× the limit, and the test stops only at 5.8×",
      round(line_finder.minimum_rate() / limit, 1) == 4.6 and round(line_rates[-1] / limit, 1) == 5.8,
      f"{line_finder.minimum_rate() / limit:.2f}, {line_rates[-1] / limit:.2f}")
claim("Here the minimum of the curve is *not* a safe rate, and the two cautious candidates are.",
      candidates_line["minimum"] > limit > max(candidates_line["steepest"], candidates_line["minimum / 10"]),
      f"{candidates_line}, limit {limit:.3f}")
claim("The single batch losses are lowest past the limit too (at 4.1×), so the delay is not in the smoothing",
      round(raw_lowest / limit, 1) == 4.1, f"{raw_lowest / limit:.2f}")
claim("by the time the rate reaches the limit this component has all but vanished",
      np.prod(steep_factors[below]) < 1e-6, f"{np.prod(steep_factors[below]):.1e}")
exact_shrink, float32_shrink = np.prod(steep_factors[below]), steepest[below.sum()] / steepest[0]
claim("in exact arithmetic it is multiplied by 5e-10; in float32, the arithmetic of the Keras run, rounding errors keep "
      "refilling it, but it still ends below a millionth of its start",
      f"{exact_shrink:.0e}" == "5e-10" and float32_shrink > 10 * exact_shrink and float32_shrink < 1e-6,
      f"exact {exact_shrink:.1e}, float32 replay {float32_shrink:.1e}")
claim("the replay's losses are the ones Keras recorded, which ties Keras's `SGD` to the formula", agree < 1e-4,
      f"largest relative difference {agree:.1e} below the limit")
past = steep_factors[~below]
claim("Just past the limit the factor $|1 - \\eta\\lambda_{\\max}|$ is only a little larger than 1; it rises step by step "
      "because the rate rises by ×1.12 per step",
      1 < past[0] < 1.1 and np.all(np.diff(past) > 0) and round(line_finder.factor, 2) == 1.12, f"{np.round(past[:5], 2)}")
claim("it takes more than a dozen steps past the limit to grow back", (~below).sum() > 12, f"{(~below).sum()} steps")
raw_min_step, smooth_min_step, stop_step = int(np.nanargmin(raw)), int(np.argmin(smoothed)), len(raw) - 1
raw_stop_step = raw_min_step + int(np.argmax(raw[raw_min_step:] > 4 * raw[raw_min_step]))  # the same rule, unsmoothed
claim("The smoothing lags the batch losses on the way down (by about 2× in rate), but at the explosion it adds only a "
      "step or two", round(lag) == 2 and 0 <= smooth_min_step - raw_min_step <= 2 and 0 <= stop_step - raw_stop_step <= 2,
      f"lag x{lag:.2f}; raw min {raw_min_step}, smoothed min {smooth_min_step}; stop {stop_step}, raw rule {raw_stop_step}")
claim("with a rate that rises more slowly, the explosion comes much closer to the limit",
      slow_finder.rates[-1] / limit < 0.5 * line_rates[-1] / limit, f"{slow_finder.rates[-1] / limit:.2f}x")
claim("some batches have a limit well below the full-batch one", (batch_limits / limit).min() < 0.7,
      f"{np.round(batch_limits / limit, 2)}")

# Why an oscillating curve jumps: rebuild exercise 1's runs (course_utils.exercises.learning_rate) from its problem
X_m, y_m, order_m = exercise_02._curve_problem()
limit_m = 2 / np.linalg.eigvalsh(2 / len(y_m) * X_m.T @ X_m).max()
oscillating_curve = [curve for curve in exercise_02._RATES if exercise_02._is_kind(curve, "oscillating")]
rate_osc = exercise_02._RATES[oscillating_curve[0]]
own_limits = np.array([2 / np.linalg.eigvalsh(2 / 10 * X_m[rows].T @ X_m[rows]).max()
                       for rows in order_m[:1200].reshape(120, 10)])
curve_osc = np.asarray(mystery[oscillating_curve[0]])
rebuilt = np.allclose(exercise_02._sgd_losses(rate_osc), curve_osc)
claim("Why an oscillating curve can jump although its rate is below the full-batch limit.",
      len(oscillating_curve) == 1 and rebuilt and rate_osc < limit_m, f"rate {rate_osc} against the limit {limit_m:.3f}")
claim("for many of its batches the oscillating run's rate is above their own limit, so those steps overshoot and the "
      "loss on all rows spikes until other batches pull it back down",
      np.mean(rate_osc > own_limits) > 0.2 and curve_osc[10:].max() > 10 * np.median(curve_osc[10:])
      and np.sum(curve_osc[1:] > 2 * curve_osc[:-1]) >= 10 and curve_osc[-1] < curve_osc[0],
      f"{np.mean(rate_osc > own_limits):.0%} of the batches; spike x{curve_osc[10:].max() / np.median(curve_osc[10:]):.0f}")
jumps = {m: np.array([np.max(run[1:] / run[:-1]) for run in runs_m]) for m, runs_m in minibatch.items()}
late_of = {m: np.array([np.median(run[-80:]) for run in runs_m]) / lowest for m, runs_m in minibatch.items()}
full_runs = {m: full_batch(X_tilde, y_line, m * limit, steps=400) for m in minibatch}
w_full, full_09 = np.zeros(4), []
for _ in range(400):
    full_09.append(np.mean((X_tilde @ w_full - y_line) ** 2))
    w_full = w_full - 0.9 * limit * 2 / 128 * X_tilde.T @ (X_tilde @ w_full - y_line)
claim("at 0.9× the limit, where full-batch descent falls at every step, one mini-batch step multiplies it by up to ×5.6",
      np.all(np.diff(full_09) <= 0) and f"{jumps[0.9].max():.2g}" == "5.6", f"{jumps[0.9]}")
claim("The other batches pull it back down, and the runs still settle close to the lowest loss, 1.2 to 1.3 times it over "
      "the last 10 epochs", f"{late_of[0.9].min():.1f}" == "1.2" and f"{late_of[0.9].max():.1f}" == "1.3", f"{late_of[0.9]}")
claim("Even at 0.5× the loss rises on some steps (by up to ×1.6)", f"{jumps[0.5].max():.2g}" == "1.6", f"{jumps[0.5]}")
claim("at 1.1×, where full-batch descent diverges, these runs did not blow up in 50 epochs, but single steps multiply "
      "the loss by up to ×21, and it stays 3.1 to 4.5 times the lowest",
      full_runs[1.1] > 1e3 and all(np.isfinite(run).all() and run[-1] < 100 * lowest for run in minibatch[1.1])
      and f"{jumps[1.1].max():.2g}" == "21" and f"{late_of[1.1].min():.1f}" == "3.1" and f"{late_of[1.1].max():.1f}" == "4.5",
      f"full batch distance {full_runs[1.1]:.2g}; jumps {jumps[1.1]}; late {late_of[1.1]}")
def spikes_on_sharp_batches(multiple, seed, epochs=50, batch_size=16):
    """minibatch_sgd again, counting the steps that raise the loss on all rows more than x2 and those among them
    taken on a batch whose own limit is below the rate."""
    order, w, rate = np.random.default_rng(seed), np.zeros(4), multiple * limit
    loss, spikes, sharp = np.mean(y_line**2), 0, 0
    for _ in range(epochs):
        for rows in order.permutation(128).reshape(-1, batch_size):
            own = 2 / np.linalg.eigvalsh(2 / batch_size * X_tilde[rows].T @ X_tilde[rows]).max()
            w = w - rate * 2 / batch_size * X_tilde[rows].T @ (X_tilde[rows] @ w - y_line[rows])
            new = np.mean((X_tilde @ w - y_line) ** 2)
            if new > 2 * loss:
                spikes, sharp = spikes + 1, sharp + (own < rate)
            loss = new
    return spikes, sharp


counts = {m: np.sum([spikes_on_sharp_batches(m, seed) for seed in (1, 2, 3)], axis=0) for m in (0.9, 1.1)}
claim("At a rate that full batches tolerate, a step on such a batch overshoots its own valley and the loss on all rows "
      "jumps", all(spikes > 10 and sharp >= 0.9 * spikes for spikes, sharp in counts.values()),
      f"steps raising the loss >x2, and those on a batch whose limit is below the rate: {counts}")
claim("With mini-batches the limit blurs: below it single steps overshoot and the loss spikes, yet training settles.",
      jumps[0.9].min() > 2 and late_of[0.9].max() < 1.5 and full_runs[0.9] < 1e-3, "")

# §7 standardising
kappa_raw, kappa_scaled = (c.max() / c.min() for c in (curvatures_line, curvatures_scaled))
scaled_only = np.hstack([X_line / X_line.std(axis=0), np.ones((128, 1))])
kappa_scaled_only = np.linalg.cond(2 / 128 * scaled_only.T @ scaled_only)
claim(r"This linear problem has $\kappa$ = 44", round(kappa_raw) == 44, f"{kappa_raw:.2f}")
claim("mostly because its inputs differ in scale (standard deviations 1, 3 and 0.5)",
      kappa_raw > 5 * kappa_scaled_only and np.allclose(X_line.std(axis=0), [1, 3, 0.5], rtol=0.15),
      f"kappa raw {kappa_raw:.1f}, divided by the stds only {kappa_scaled_only:.1f}, standardised {kappa_scaled:.2f}")
claim("Dividing by the standard deviations does most of the work (κ 44 → 5.2)",
      f"{kappas['divided by the std only']:.1f}" == "5.2" and np.isclose(kappas["divided by the std only"], kappa_scaled_only),
      f"{kappas}")
claim("Subtracting the means does nothing on its own (44.4), but after the division it takes κ from 5.2 to 1.6",
      f"{kappas['centred only']:.1f}" == "44.4" and f"{kappas['raw']:.1f}" == "44.4"
      and f"{kappas['both (standardised)']:.1f}" == "1.6", f"{kappas}")
centre_one = {}
for j in range(3):
    z = X_line / X_line.std(axis=0)
    z[:, j] -= z[:, j].mean()
    with_ones = np.hstack([z, np.ones((128, 1))])
    centre_one[j] = np.linalg.cond(2 / 128 * with_ones.T @ with_ones)
claim("an input whose mean is far from 0 *in units of its spread* moves together with the bias, and the first input's "
      "mean is 0.8 of its standard deviation",
      centre_one[0] < 2 and min(centre_one[1], centre_one[2]) > 5 and round(abs(means[0] / spreads[0]), 1) == 0.8,
      f"kappa after scaling and centring one input: {centre_one}")
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
best_diagonal = min(np.linalg.cond(np.diag([1, d]) @ hessian @ np.diag([1, d])) for d in np.logspace(-2, 2, 4001))
claim("on the turned valley of section 3 even the best per-parameter scaling leaves $\\kappa$ at 15.5 of 20",
      f"{kappa_per_parameter:.1f}" == "15.5" and kappa_per_parameter <= best_diagonal * 1.001
      and round(np.linalg.cond(hessian)) == 20, f"Jacobi {kappa_per_parameter:.3f}, best diagonal found {best_diagonal:.3f}")


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
claim("Its limit is not one number (0.31 at the start, 0.25 and 0.38 after training, section 4)",
      [f"{v:.2f}" for v in net_limits.values()] == ["0.31", "0.25", "0.38"], f"{net_limits}")
same_steps = {rate: (epoch_15_loss(rate), trained[rate]) for rate in (0.1, 0.4)}
claim("the same steps and the same losses as `train`, without its per-batch record",
      all(np.isclose(quick_loss, full_loss, rtol=1e-6) for quick_loss, full_loss in same_steps.values()),
      f"{same_steps}")
claim("Among the three candidates, the minimum of the curve trains best: on seed 1 it reaches 0.0467 after 15 epochs",
      picked == "minimum" and f"{candidate_losses['minimum']:.3g}" == "0.0467", f"{candidate_losses}")
worse = {name: candidate_losses[name] / candidate_losses["minimum"] for name in ("minimum / 10", "steepest")}
claim("while the minimum / 10 and the steepest point reach only 0.446 and 0.464, about ten times worse",
      f"{candidate_losses['minimum / 10']:.3g}" == "0.446" and f"{candidate_losses['steepest']:.3g}" == "0.464"
      and all(7 < w < 13 for w in worse.values()), f"{worse}")
seed_worse = np.array(seed_losses["minimum / 10"]) / np.array(seed_losses["minimum"])
claim("On all three seeds the minimum / 10 ends 6 to 11 times higher than the minimum",
      len(seed_worse) == 3 and f"{seed_worse.min():.0f}" == "6" and f"{seed_worse.max():.0f}" == "11", f"{seed_worse}")
claim("On seed 1 its loss is a little lower than that of the grid's best rate, 0.2 (0.049)",
      best_grid_rate == 0.2 and f"{grid_losses[0.2]:.2g}" == "0.049"
      and candidate_losses["minimum"] < min(finite_grid.values()), f"{grid_losses}")
claim("and the kept rate, 0.192, is within a factor 1.04 of 0.2",
      f"{picked_rate:.3g}" == "0.192" and max(picked_rate / best_grid_rate, best_grid_rate / picked_rate) < 1.05,
      f"kept {picked_rate:.4f}, grid best {best_grid_rate}")
at_min, at_01 = np.array(seed_losses["minimum"]), np.array(seed_losses["grid rate 0.1"])
overlap = at_min.min() <= at_01.max() and at_01.min() <= at_min.max()
claim("Over three seeds the minimum (mean 0.049) and the grid rate 0.1 (mean 0.055) tie: their ranges overlap, and "
      "each is lower on some seed",
      overlap and (at_min < at_01).any() and (at_01 < at_min).any()
      and f"{at_min.mean():.2g}" == "0.049" and f"{at_01.mean():.2g}" == "0.055", f"minimum {at_min}, 0.1 {at_01}")
claim("on the network, the minimum of the range test and the grid rate 0.1 swap places from seed to seed",
      (at_min < at_01).any() and (at_01 < at_min).any(), f"minimum {at_min}, 0.1 {at_01}")
claim("always taking the minimum / 10 cost this network a loss 6 to 11 times higher",
      f"{seed_worse.min():.0f}" == "6" and f"{seed_worse.max():.0f}" == "11", f"{seed_worse}")
line_distances = {name: full_batch(X_tilde, y_line, rate) for name, rate in candidates_line.items()}
claim("the minimum lay past the exact limit, where full-batch descent diverges, and only the two cautious candidates "
      "were stable", line_distances["minimum"] == np.inf and line_distances["minimum / 10"] < 0.01
      and line_distances["steepest"] < 0.1, f"relative distance to the fit after 300 steps: {line_distances}")
claim("always taking the minimum diverges on the linear problem", line_distances["minimum"] == np.inf, "")
kept_line = min(line_distances, key=line_distances.get)
best_line_rate = 2 / (curvatures_line.min() + curvatures_line.max())
claim("What would have worked on both: take the three candidates, train each for a few epochs, keep the best.",
      kept_line == "minimum / 10" and candidates_line[kept_line] > best_line_rate / 2.5 and picked == "minimum",
      f"linear: keeps {kept_line} = {candidates_line[kept_line]:.3g} (best rate {best_line_rate:.3g}); network: {picked}")

# takeaways and common mistakes
claim("the network of section 4 was still falling after 15 epochs, far above its floor",
      final["good"] < epochs_of["good"][-2] and final["good"] > 5 * noise_floor, f"{final['good']:.4f}")
claim("here it raised the stable rate 7×", round(limit_scaled / limit) == 7, f"x{limit_scaled / limit:.2f}")
claim("Its curve explodes well past the limit", line_rates[-1] > 3 * limit, f"{line_rates[-1] / limit:.1f}x")
claim("the bottom is not the limit. On the linear problem of section 6 it lay at 4.6× the limit, on the network at "
      "0.6× it", round(line_finder.minimum_rate() / limit, 1) == 4.6
      and f"{net_finder.minimum_rate() / net_limits['at the start']:.1f}" == "0.6", "")
claim("then only $x$ is left, which loses 2 % per step",
      abs(runs_valley[0.02].path[-1, 1]) < 1e-12 and np.isclose(runs_valley[0.02].path[-1, 0] / runs_valley[0.02].path[-2, 0], 0.98),
      "y is gone, x shrinks by 0.98")

# Exercise 3's data and model, as its task describes them
claim("256 rows of 4 inputs already on one scale (mean about 0, standard deviation about 1)",
      x_train.shape == (256, 4) and np.all(np.abs(x_train.mean(axis=0)) < 0.15)
      and np.all(np.abs(x_train.std(axis=0) - 1) < 0.15), f"means {x_train.mean(axis=0)}, stds {x_train.std(axis=0)}")
exercise_model = make_model()
claim("`make_model()` builds a new small network, 4 inputs → 32 tanh units → 1 output",
      [tuple(w.shape) for w in exercise_model.get_weights()] == [(4, 32), (32,), (32, 1), (1,)]
      and exercise_model.layers[0].activation.__name__ == "tanh", f"{exercise_model.layers}")
