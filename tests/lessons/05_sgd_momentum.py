"""Claims of 05 · SGD, momentum, Nesterov and decay: each conclusion of the prose, held by the notebook's variables."""

import warnings

import keras
import numpy as np
import tensorflow as tf

from course_utils.descent import descend
from course_utils.optimizers import SGD, Adam

# §1 each batch size at its own rate: a grid that brackets every best rate
claim("Each batch size tries 17 rates, from 0.001 to 0.256, each $\\sqrt2$ times the one before (all below that limit)",
      len(rates) == 17 and rates[0] == 0.001 and round(rates[-1], 3) == 0.256
      and np.allclose(rates[1:] / rates[:-1], np.sqrt(2)) and rates.max() < limit, f"{rates}")
claim("for 5 epochs with 3 different shuffles", epochs == 5 and shuffles == 3 and curves[1].shape[:2] == (5 * n + 1, 3),
      f"{curves[1].shape}")
same_runs = [(m, s, np.abs(sgd_grid(m, rates)[:, s, best[m]]
                           - (minibatch_sgd(SGD(learning_rate=chosen[m]), m, epochs, s)[0] - best_loss)).max())
             for m, s in ((1, 2), (64, 1), (512, 0))]
claim("on the same shuffled batches as `minibatch_sgd`", all(gap < 1e-10 for *_, gap in same_runs),
      f"largest difference from minibatch_sgd (batch size, shuffle, difference): {same_runs}")
claim("every best rate (★) lies inside the grid, with worse rates on both sides",
      all(0 < best[m] < len(rates) - 1 and rate_gaps[m][best[m] - 1] > rate_gaps[m][best[m]] < rate_gaps[m][best[m] + 1]
          for m in sizes), f"best indices {best}")
claim("the best rate grows with the batch", all(chosen[a] < chosen[b] for a, b in zip(sizes, sizes[1:])), f"{chosen}")
claim("in proportion up to batch size 8 (0.002 and 0.016",
      round(chosen[1], 3) == 0.002 and round(chosen[8], 3) == 0.016 and np.isclose(chosen[8] / chosen[1], 8),
      f"{chosen}")
claim("then more slowly as $\\eta\\lambda_{\\max}$ grows, 0.091 for 64 and 0.18 for the full batch",
      round(chosen[64], 3) == 0.091 and round(chosen[512], 2) == 0.18 and chosen[64] < 64 * chosen[1]
      and chosen[512] / chosen[64] < 8 and chosen[1] * curvatures.max() < 0.05 < 0.5 < chosen[64] * curvatures.max(),
      f"{chosen}, ηλmax {[round(chosen[m] * curvatures.max(), 2) for m in sizes]}")
claim("held back by the limit 2/λmax = 0.283",
      round(limit, 3) == 0.283 and rates[best[512] + 1] > 0.9 * limit and rates[best[512] + 1] < limit < 512 * chosen[1],
      f"next grid rate {rates[best[512] + 1]:.3f}, the rule would give {512 * chosen[1]:.3f}")
claim("the best rate × the steps of an epoch is 1.02 for batch sizes 1 and 8, 0.72 for 64 and only 0.18 for the full batch",
      [round(chosen[m] * n / m, 2) for m in sizes] == [1.02, 1.02, 0.72, 0.18], f"{[chosen[m] * n / m for m in sizes]}")

# §1 batch size 1's own, lower limit
claim("Batch size 1 breaks down far below the full-batch limit",
      first_unstable < limit / 2 and rate_gaps[1][around] > 10 * rate_gaps[1][around - 1], f"{rate_gaps[1]}")
claim("its loss is 0.44 above the best at rate 0.064 and 13 at 0.091, and from 0.13 on it ends worse than it started",
      round(rate_gaps[1][around - 1], 2) == 0.44 and round(rate_gaps[1][around]) == 13
      and round(rates[around - 1], 3) == 0.064 and round(rates[around], 3) == 0.091 and round(first_unstable, 2) == 0.13
      and not np.isfinite(rate_gaps[1][rates >= first_unstable]).any() and np.isfinite(rate_gaps[1][rates < first_unstable]).all(),
      f"{rate_gaps[1]}")
claim("14.4 on average against 7.07 for the average loss (84 at most)",
      round(sample_curvatures.mean(), 1) == 14.4 and round(curvatures.max(), 2) == 7.07
      and round(sample_curvatures.max()) == 84, f"{sample_curvatures.mean():.2f}, {sample_curvatures.max():.1f}")
probe_rng = np.random.default_rng(5)
along = []
for i in probe_rng.integers(0, n, 5):  # one single-sample step from a random point, noise-free part along x_i
    w_probe, direction = w_best + probe_rng.normal(size=4), X[i] / np.linalg.norm(X[i])
    stepped = w_probe - 0.05 * gradient(w_probe, [i])
    noise = -0.05 * 2 * X[i] * (X[i] @ w_best - y[i])  # what the step adds at w_best: that sample's noise
    along.append(abs((stepped - noise - w_best) @ direction / ((w_probe - w_best) @ direction)
                     - (1 - 0.05 * sample_curvatures[i])))
claim("multiplies the error along that sample's direction by $1 - \\eta c_i$ (and adds that sample's noise)",
      max(along) < 1e-9, f"{max(along):.1e}")
claim("at 0.064, 9 % of the samples do, and the run still ends far below its start",
      round(overshooting, 2) == 0.09 and rate_gaps[1][around - 1] < start_gap / 10,
      f"{overshooting:.3f}, {rate_gaps[1][around - 1]:.2f} vs start {start_gap:.1f}")
hessians = 2 * np.einsum("ni,nj->nij", X, X)  # one sample's Hessian each


def mean_square_radius(eta):  # growth per step of E[e eᵀ] for single-sample steps
    factors = np.eye(4) - eta * hessians
    return np.abs(np.linalg.eigvals(np.einsum("nij,nkl->ikjl", factors, factors).reshape(16, 16) / n)).max()


low_, high_ = 0.01, 0.2
for _ in range(40):
    low_, high_ = ((low_ + high_) / 2, high_) if mean_square_radius((low_ + high_) / 2) < 1 else (low_, (low_ + high_) / 2)
claim("passes 1 at $\\eta = 2\\,\\overline{c}/\\overline{c^2} = 0.083$: an estimate of the\n*mean-square* limit, above which the expected squared error grows from step to step",
      round(estimate, 3) == 0.083 and abs(estimate / low_ - 1) < 0.1
      and np.isclose(np.mean((1 - estimate * sample_curvatures) ** 2), 1)
      and mean_square_radius(rates[around - 1]) < 1 < mean_square_radius(rates[around]),
      f"estimate {estimate:.4f}, exact mean-square limit {low_:.4f}; growth of E[e eᵀ] per step "
      f"{mean_square_radius(rates[around - 1]):.4f} at {rates[around - 1]:.3f}, {mean_square_radius(rates[around]):.4f} at {rates[around]:.3f}")
claim("It lies between the grid rates\n0.064 and 0.091, but it is not where a run diverges",
      round(rates[around - 1], 3) == 0.064 and round(rates[around], 3) == 0.091 and rates[around - 1] < estimate < rates[around]
      and rate_gaps[1][around] < start_gap and first_unstable > estimate,
      f"{rates[around - 1]:.3f} < {estimate:.3f} < {rates[around]:.3f}; first unstable {first_unstable:.3f}")
peaks, last_epoch = burst.max(axis=0), burst[-n:]
above_start = np.mean(burst > start_gap, axis=0)  # the share of steps each shuffle spends above its start: under a tenth
claim("Above it, a rare streak of overshooting samples throws the error\nfar off, and the run then recovers",
      np.all(peaks > 10 * start_gap) and np.all(above_start < 0.1) and np.all(np.median(last_epoch, axis=0) < start_gap / 10)
      and np.all(rate_gaps[1][:around + 1] < start_gap),
      f"peaks {peaks.round()}, share of steps above the start {above_start.round(3)}, "
      f"last-epoch medians {np.median(last_epoch, axis=0).round(2)}")
claim("at 0.091 every shuffle's loss climbs to over 10× its start, yet its median over\nthe last epoch is 1.1 above the best, and the bursts lift the mean to 13",
      climb > 10 and round(float(np.median(last_epoch)), 1) == 1.1 and round(float(np.mean(last_epoch))) == 13
      and np.mean(last_epoch) > 10 * np.median(last_epoch), f"climb {climb:.1f}×, median {np.median(last_epoch):.3f}, mean {np.mean(last_epoch):.2f}")
claim("The runs end worse than they started only\nfrom 0.13 on",
      not np.isfinite(rate_gaps[1][rates >= first_unstable]).any() and np.isfinite(rate_gaps[1][rates < first_unstable]).all()
      and round(first_unstable, 2) == 0.13, f"{rate_gaps[1]}")
claim("at batch size 8's 0.016, batch size\n64 ends 50× and the full batch 493× above their own best",
      round(rate_gaps[64][best[8]] / rate_gaps[64][best[64]]) == 50
      and round(rate_gaps[512][best[8]] / rate_gaps[512][best[512]]) == 493,
      "the rates at one shared rate, relative to each size's best")
claim("A comparison at one shared rate would measure the rate, not the batch size",
      all(rate_gaps[m][best[8]] > 5 * rate_gaps[m][best[m]] for m in (1, 64, 512)), "at 0.016, 1, 64 and 512 are 5× off")

# §1 per epoch and per second
level_gaps = {m: rate_gaps[m][best[m]] for m in sizes}
shuffle_ratio = {m: shuffle_gaps[m][:, best[m]].max() / shuffle_gaps[m][:, best[m]].min() for m in (1, 8, 64)}
claim("batch sizes 1, 8 and 64 end level: $2.9\\cdot10^{-3}$,\n$3.0\\cdot10^{-3}$ and $3.5\\cdot10^{-3}$ above the best loss",
      [float(f"{level_gaps[m]:.1e}") for m in (1, 8, 64)] == [2.9e-3, 3.0e-3, 3.5e-3]
      and max(level_gaps[m] for m in (1, 8, 64)) / min(level_gaps[m] for m in (1, 8, 64)) < 1.3, f"{level_gaps}")
claim("closer to each other than the shuffles of one size\nare (batch size 1: $1.9\\cdot10^{-3}$ to $3.8\\cdot10^{-3}$)",
      max(level_gaps[m] for m in (1, 8, 64)) / min(level_gaps[m] for m in (1, 8, 64)) < min(shuffle_ratio.values())
      and f"{shuffle_gaps[1][:, best[1]].min():.1e} {shuffle_gaps[1][:, best[1]].max():.1e}" == "1.9e-03 3.8e-03",
      f"shuffle ratios {shuffle_ratio}")
by_epoch_1, by_epoch_8 = curves[1][::8, :, best[1]].mean(axis=1), curves[8][:, :, best[8]].mean(axis=1)
claim("The curves of batch sizes 1 and 8 lie on top of each\nother",
      np.all(np.abs(np.log(by_epoch_1 / by_epoch_8)) < np.log(1.2)),
      f"ratio at the same epoch: {np.min(by_epoch_1 / by_epoch_8):.2f} to {np.max(by_epoch_1 / by_epoch_8):.2f}")
claim("batch size 8 takes 8× fewer steps per epoch at an 8× larger rate, so the same rate × steps, and the same\n  noise",
      np.isclose(chosen[8] / chosen[1], 8) and np.isclose(chosen[1] / 1, chosen[8] / 8), f"{chosen}")
claim("The full batch ends 10× higher, at $3.0\\cdot10^{-2}$",
      9.5 < level_gaps[512] / level_gaps[1] < 11 and f"{level_gaps[512]:.1e}" == "3.0e-02", f"{level_gaps}")
claim("so its 5 clean steps get less far", len(curves[512]) == 6 and np.all(np.diff(curves[512][:, 0, best[512]]) < 0)
      and chosen[512] * n / 512 < 0.25 * chosen[1] * n, "5 steps, each lowers the loss; rate × steps per epoch")
floor_of = {m: np.mean(per_second[m][0][-512:]) - best_loss for m in sizes}
claim("It and batch size 64 get within 0.05 of the best loss first,\n  in 4 and 9 steps, within 3× of each other's time",
      to_005[512] == 4 and to_005[64] == 9 and 1 / 3 < level < 3
      and max(time_to_005[512], time_to_005[64]) < min(time_to_005[8], time_to_005[1]),
      f"steps {to_005}, times {time_to_005}")
claim("since a step over 512 samples costs less than 4× one over\n  64",
      step_time[512] / step_time[64] < 4 and step_cost[512] / step_cost[64] < 4,
      f"in these runs {step_time[512] / step_time[64]:.2f}, in the step-cost study {step_cost[512] / step_cost[64]:.2f}")
claim("Batch size 8 needs 51 steps, and batch size 1 needs 416, over 10× the full batch's time",
      to_005[8] == 51 and to_005[1] == 416 and slow > 10, f"{slow:.0f}×")
claim("Then the\n  mini-batches stay on their noise floors ($1.9\\cdot10^{-3}$ to $2.8\\cdot10^{-3}$ over their last 512 steps)",
      f"{min(floor_of[m] for m in (1, 8, 64)):.1e} {max(floor_of[m] for m in (1, 8, 64)):.1e}" == "1.9e-03 2.8e-03",
      f"{floor_of}")
claim("in the time of batch size 1's 2560 steps, it gets below $10^{-10}$",
      per_second[512][0][budget_steps] - best_loss < 1e-10, f"{budget_steps} full-batch steps")
budget = (len(per_second[1][0]) - 1) * step_time[1]  # the time of batch size 1's 2560 steps
reached = {m: per_second[m][0][max(0, min(int(budget / step_time[m]), len(per_second[m][0]) - 1) - 20):
                               min(int(budget / step_time[m]), len(per_second[m][0]) - 1) + 1] - best_loss for m in sizes}
claim("the full batch wins on this problem",
      reached[512][-1] < 1e-10 and all(np.mean(reached[m]) > 1e-4 for m in (1, 8, 64)),
      ", ".join(f"{m}: {np.mean(r):.1e}" for m, r in reached.items()))

# §1 the cost of a step
claim("a step's time grows far more slowly than its batch: a step over\n512 samples costs less than 5× a step over 1 "
      "sample", flat < 5, f"512 vs 1: {flat:.1f}×")
claim("an epoch of batch size 1 (512 steps) takes over 50× as long as an epoch of the full\nbatch (1 step)",
      epoch_ratio > 50, f"{epoch_ratio:.0f}×")
claim("the per-second race above favours the larger batches",
      max(time_to_005[512], time_to_005[64]) < min(time_to_005[8], time_to_005[1]), f"times to 0.05: {time_to_005}")
claim("For larger batches the part per\nsample takes over: from 512 to 32768 samples (64× more), a step costs more "
      "than 8× as much",
      steep > 8, f"32768 vs 512: {steep:.1f}×")
claim("the same number of sample gradients does not take the same time", epoch_ratio > 50, f"{epoch_ratio:.0f}×")

# §1 noise like 1/sqrt(m)
noise_rng = np.random.default_rng(0)
full_gradient = gradient(np.zeros(4), np.arange(n))
rms_error = {m: np.sqrt(np.mean([np.sum((gradient(np.zeros(4), rows) - full_gradient) ** 2)
                                 for rows in noise_rng.integers(0, n, size=(2000, m))])) for m in (1, 4, 16, 64, 256)}
claim("Its error shrinks like", all(abs(rms_error[m] / rms_error[1] * np.sqrt(m) - 1) < 0.1 for m in rms_error),
      f"{ {m: round(e / rms_error[1] * np.sqrt(m), 3) for m, e in rms_error.items()} }")

# §1 the linear scaling rule
claim("from batch size 1 to 8 the floor is the same", abs(floors[8] / floors[1] - 1) < 0.15,
      f"{floors[8] / floors[1]:.2f}")
claim("At 64 the scaled rate 0.08 gives", 1.15 < floors[64] / floors[1] < 1.5
      and round(0.08 * curvatures.max(), 2) == 0.57, f"{floors[64] / floors[1]:.2f}")
claim("At 512 the scaled rate 0.64 is above the limit 0.283, and the run diverges",
      not np.isfinite(floors[512]) and 0.64 > limit and round(limit, 3) == 0.283, f"{floors[512]}")

claim("leaves a lower floor than i.i.d. batches", np.mean(reshuffled) - best_loss < 0.75 * floors[8],
      f"reshuffled {np.mean(reshuffled) - best_loss:.2e}, i.i.d. {floors[8]:.2e}")
half_rate_floor = noise_floor(8, 0.005)
claim("the loss floor it leaves grows like", 0.4 < half_rate_floor / floors[8] < 0.6,
      f"batch 8: floor at rate 0.005 / floor at 0.01 = {half_rate_floor / floors[8]:.2f}")
claim("multiply the batch by $k$, multiply the rate by $k$, and the noise floor stays",
      abs(floors[8] / floors[1] - 1) < 0.15 and half_rate_floor / floors[8] < 0.6, "same eta/m, same floor; half eta, lower floor")

# §2 velocity: damped across, accumulated along
for g_sign, expected, label in ((lambda k: (-1) ** k, 1 / 1.9, "alternating"), (lambda k: 1, 1 / 0.1, "constant")):
    optimizer_check = SGD(learning_rate=0.1, momentum=0.9)
    w_check = np.zeros(1)
    for k in range(400):
        w_check = optimizer_check.step(w_check, np.array([g_sign(k)]))
    velocity = abs(optimizer_check._state[("momentum", 0)][0]) / 0.1
    claim("the velocity settles at" if label == "alternating" else "the velocity grows toward",
          abs(velocity - expected) < 1e-3 * expected, f"{label} gradient: |m| / (lr g) = {velocity:.4f}")
sgd_m, adam_m = SGD(learning_rate=0.05, momentum=0.9), Adam(learning_rate=0.05, beta_1=0.9)
w_sgd = w_adam = np.zeros(3, dtype="float32")
largest = 0.0
for g in np.random.default_rng(1).normal(size=(50, 3)).astype("float32"):
    w_sgd, w_adam = sgd_m.step(w_sgd, g), adam_m.step(w_adam, g)
    velocity, scaled = sgd_m._state[("momentum", 0)], -0.05 / (1 - 0.9) * adam_m._state[("m", 0)]
    largest = max(largest, np.abs(velocity - scaled).max() / np.abs(velocity).max())
claim("at 0, $m_\\text{SGD} = -\\eta/(1-\\beta_1)\\cdot m_\\text{Adam}$ at every step", largest < 1e-4,
      f"largest relative difference {largest:.1e} (float32)")

# §2 the ravine
steps_to = {label: converged_from(run) for label, run in ravine_runs.items()}
labels = list(ravine_runs)
sgd_run, m08, nesterov, m09, tuned_label = labels
first_dip = {label: int(np.argmax(run.losses < 1e-6 * run.losses[0])) for label, run in ravine_runs.items()}
claim("below $10^{-6}$ of its start loss from step 82 on", steps_to[sgd_run] == 82, f"{steps_to}")
y_flips = {label: int(np.sum(np.diff(np.sign(ravine_runs[label].path[:21, 1])) != 0)) for label in (sgd_run, m08)}
claim("it trades the fast zigzag for a slower swing in both directions", y_flips[sgd_run] >= 18
      and y_flips[m08] <= 8, f"sign changes of y in the first 20 steps {y_flips}")
claim("it overshoots along the ravine too ($x$ passes 0)", ravine_runs[m08].path[:, 0].max() > 0.1
      and ravine_runs[sgd_run].path[:, 0].max() <= 0, "largest x of momentum 0.8 and of SGD")
claim("from step 63 on (it first dips below the threshold at step 53, then comes back up)",
      steps_to[m08] == 63 and first_dip[m08] == 53, f"{steps_to[m08]}, {first_dip[m08]}")
claim("Nesterov's look-ahead brakes earlier: from step 40 on", steps_to[nesterov] == 40 < steps_to[m08],
      f"{steps_to[nesterov]}")
claim("The popular 0.9 with rate 0.01 has not converged after 100 steps",
      steps_to[m09] > 100 and first_dip[m09] == 94 and steps_to[m09] == 128 and steps_to[m09] > steps_to[sgd_run],
      f"{steps_to[m09]}, first dip {first_dip[m09]}")
claim("needs 26 steps", steps_to[tuned_label] == 26 == min(steps_to.values()), f"{steps_to}")

largest_y = {label: np.abs(run.path[:, 1]).max() for label, run in ravine_runs.items()}
claim("needs 26 steps, the fewest, although its path\n  looks the wildest: it swings across the ravine out to $|y| = 1.5$, further than it started",
      steps_to[tuned_label] == 26 == min(steps_to.values()) and round(largest_y[tuned_label], 1) == 1.5
      and largest_y[tuned_label] == max(largest_y.values()) and largest_y[tuned_label] > abs(start[1]), f"{largest_y}")
fine_rates = np.linspace(0.01, 0.079, 691)
worst_factor = [max(momentum_factor(r, 0.0, a) for a in (1.0, 25.0)) for r in fine_rates]
claim("Plain SGD near its best rate (0.075; the best single rate is $2/(\\lambda_{\\min} + \\lambda_{\\max}) = 0.077$",
      abs(fine_rates[np.argmin(worst_factor)] - 2 / 26) < 2e-4 and round(2 / 26, 3) == 0.077
      and max(momentum_factor(0.075, 0.0, a) for a in (1.0, 25.0)) - min(worst_factor) < 0.005,
      f"best of the fine grid {fine_rates[np.argmin(worst_factor)]:.4f}")

# §2 the theory: stability range and the sqrt(mu) rate
theory_rng = np.random.default_rng(2)
samples = theory_rng.uniform([0.0, 0.0, 0.0], [0.99, 0.2, 30.0], size=(3000, 3))  # mu, eta, lambda
factors = np.array([momentum_factor(lr_, mu_, a_) for mu_, lr_, a_ in samples])
eta_lambda = samples[:, 1] * samples[:, 2]
inside = (eta_lambda > 1e-9) & (eta_lambda < 2 * (1 + samples[:, 0]))
claim("it is **stable for $0 < \\eta\\lambda < 2(1 + \\mu)$**", np.array_equal(factors < 1, inside),
      f"{np.sum((factors < 1) != inside)} disagreements in 3000 samples")
claim("so the factor is at least", np.all(factors >= np.sqrt(samples[:, 0]) - 1e-9), "3000 samples")
complex_roots = ((1 - np.sqrt(samples[:, 0])) ** 2 < eta_lambda) & (eta_lambda < (1 + np.sqrt(samples[:, 0])) ** 2)
claim("whatever $\\eta$ and $\\lambda$", np.allclose(factors[complex_roots], np.sqrt(samples[complex_roots, 0]),
                                                       atol=1e-7), f"{complex_roots.sum()} underdamped samples")
meets = True
for a_ in (1.0, 25.0):
    for lr_ in (0.01, 0.05):
        curve = np.array([momentum_factor(lr_, mu_, a_) for mu_ in mus])
        on_root = np.abs(curve - np.sqrt(mus)) < 1e-6
        first = int(np.argmax(on_root))
        meets &= bool(on_root.any() and on_root[first:].all() and np.all(np.diff(curve[:first + 1]) <= 1e-12))
claim("the factor falls as $\\mu$ grows until it meets the $\\sqrt\\mu$ curve", meets, "both curvatures, both rates")
claim("Momentum 0.9 converges by 0.949 per step on the ravine, slower than plain SGD's 0.925",
      round(max(momentum_factor(0.01, 0.9, a_) for a_ in (1.0, 25.0)), 3) == 0.949
      and round(max(momentum_factor(0.075, 0.0, a_) for a_ in (1.0, 25.0)), 3) == 0.925, "factors")
claim("no learning rate changes that", best_for_09 >= np.sqrt(0.9) - 1e-9, f"{best_for_09:.6f}")
heavy_ball = [label for label in labels if not ravine_optimizers[label].nesterov]
run_factor = {label: max(momentum_factor(ravine_optimizers[label].learning_rate, ravine_optimizers[label].momentum,
                                         a_) for a_ in (1.0, 25.0)) for label in heavy_ball}
claim("The order of the factors is the order of the measured step counts",
      sorted(heavy_ball, key=run_factor.get) == sorted(heavy_ball, key=steps_to.get), f"{run_factor}")
predicted = {label: np.log(1e-6) / (2 * np.log(run_factor[label])) for label in heavy_ball}
claim("comes close to them", all(abs(predicted[label] / steps_to[label] - 1) < 0.15 for label in heavy_ball
                                 if label != tuned_label), f"{predicted}")
claim("so it needs more steps than its factor alone says", steps_to[tuned_label] > predicted[tuned_label],
      f"{predicted[tuned_label]:.0f} vs {steps_to[tuned_label]}")
edges = {}
for mu_ in (0.0, 0.9):
    edge = 2 * (1 + mu_) / 25.0
    edges[mu_] = [descend(ravine, start, 2000, SGD(learning_rate=f * edge, momentum=mu_).step).diverged_at >= 0
                  for f in (0.98, 1.02)]
claim("the largest stable rate grows from 0.08 without momentum to 0.152 with momentum 0.9",
      all(ends == [False, True] for ends in edges.values()), f"diverged at 0.98×, 1.02× of the limit: {edges}")

# §2 the saddle
plateau = {label: int(np.sum(np.abs([saddle(p) for p in path]) < 0.01)) for label, path in saddle_runs.items()}
plain_label, momentum_label = saddle_runs
claim("plain SGD sits on the saddle's plateau for 54 steps and gets away at step 91",
      plateau[plain_label] == 54 and escape_step[plain_label] == 91, f"{plateau}, {escape_step}")
near_zero = np.flatnonzero(np.abs([saddle(p) for p in saddle_runs[momentum_label]]) < 0.01)
x_momentum = saddle_runs[momentum_label][:, 0]
claim("momentum never\nsettles there: its loss is within 0.01 of 0 on only 4 steps, as $x$ swings through 0, and it gets away\nat step 33",
      plateau[momentum_label] == 4 and escape_step[momentum_label] == 33 and near_zero.max() < escape_step[momentum_label]
      and all(x_momentum[k - 1] * x_momentum[k + 1] < 0 and abs(x_momentum[k]) < 0.1 for k in near_zero)
      and not np.any(near_zero[2:] - near_zero[:-2] == 2),  # never 3 steps in a row
      f"steps {near_zero}, x there {x_momentum[near_zero].round(3)}, {plateau}, {escape_step}")
growth = {plain_label: momentum_factor(0.1, 0.0, -1.0), momentum_label: momentum_factor(0.1, 0.9, -1.0)}
claim("plain SGD multiplies $y$ by $1 + \\eta = 1.1$ per step, momentum 0.9 by 1.316",
      round(growth[plain_label], 3) == 1.1 and round(growth[momentum_label], 3) == 1.316
      and all(abs(np.log(0.5 / 1e-4) / np.log(growth[label]) / escape_step[label] - 1) < 0.15 for label in growth),
      "growth factors, and ln(0.5 / 1e-4) / ln(factor) within 15 % of the escape step")
claim("At a saddle it speeds up the escape", escape_step[momentum_label] < escape_step[plain_label] / 2,
      f"{escape_step}")
claim("so it needs about a third of the steps", 0.25 < escape_step[momentum_label] / escape_step[plain_label] < 0.45,
      f"{escape_step}")

momentum_path = saddle_runs[momentum_label]
momentum_loss = np.array([saddle(p) for p in momentum_path])
bumps = [k for k in range(1, escape_step[momentum_label])
         if momentum_loss[k - 1] < momentum_loss[k] > momentum_loss[k + 1]][:2]
claim("The first bumps\nof the momentum curve are $x$, still swinging across its own valley: there $y$ is still tiny and the loss is about\n$x^2/2$",
      len(bumps) == 2 and all(abs(momentum_path[k, 1]) < 0.05
                              and abs(momentum_loss[k] - momentum_path[k, 0] ** 2 / 2) < 0.01 * momentum_loss[k]
                              for k in bumps), f"bumps at steps {bumps}, y there {momentum_path[bumps, 1]}")

# §3 Nesterov
claim("The same path, up to rounding: both take one gradient per step, at the same point", largest_gap < 1e-12,
      f"{largest_gap:.1e}")
ours, theirs = SGD(learning_rate=0.01, momentum=0.9, nesterov=True), keras.optimizers.SGD(
    learning_rate=0.01, momentum=0.9, nesterov=True)
w_ours, variable_check = start.astype("float32"), keras.Variable(start.astype("float32"))
for step in range(50):
    w_ours = ours.step(w_ours, ravine.gradient(w_ours).astype("float32"))
    theirs.apply_gradients([(tf.constant(ravine.gradient(variable_check.numpy()).astype("float32")), variable_check)])
claim("The difference is exactly zero", np.array_equal(w_ours, variable_check.numpy()), "50 Nesterov steps")

claim("to agree to the last digit, in float32 and\nin float64 (the last line), the from-scratch version rounds it the same way",
      np.array_equal(w64, variable64.numpy()) and w64.dtype == np.float64, "50 Nesterov steps in float64")

# §4 Keras facts
claim("Even `decay=0.0` warns; only `decay=None` is silent",
      made_with(learning_rate=0.1, decay=0.0)[1].startswith("UserWarning")
      and made_with(learning_rate=0.1, decay=None)[1] == "no warning", "warnings recorded")
claim("the rate and the momentum must be floats",
      made_with(learning_rate=1)[0] is None and made_with(learning_rate=0.1, momentum=0)[0] is None
      and made_with(learning_rate=1.0, momentum=0.0)[0] is not None, "ValueError for 1 and 0, none for 1.0 and 0.0")
claim("`learning_rate=1` and `momentum=0` raise ValueError",
      made_with(learning_rate=1)[1].startswith("ValueError")
      and made_with(learning_rate=0.1, momentum=0)[1].startswith("ValueError"), "errors")
ends = []
for optimizer_check in (made_with(learning_rate=0.1, decay=0.5)[0], keras.optimizers.SGD(learning_rate=0.1)):
    variable_check = keras.Variable([1.0, -2.0])
    for step in range(20):
        optimizer_check.apply_gradients([(tf.constant([0.5, 0.5]), variable_check)])
    ends.append(variable_check.numpy())
claim("Both runs end at the same weights: the decay did nothing", np.array_equal(*ends), f"{ends}")
decayed_optimizer = keras.optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
scheduled_optimizer = keras.optimizers.SGD(
    learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5))
weights_after, rates_used = {}, {}
for name, optimizer_check in (("weight_decay", decayed_optimizer), ("schedule", scheduled_optimizer)):
    variable_check = keras.Variable([1.0])
    weights_after[name], rates_used[name] = [], []
    for step in range(3):
        rates_used[name].append(float(optimizer_check.learning_rate))
        optimizer_check.apply_gradients([(tf.constant([0.0]), variable_check)])
        weights_after[name].append(float(variable_check[0]))
claim("`weight_decay=0.5` moved the weight from 1.0 to 0.95, then 0.9025, without any gradient, and its rate stayed 0.1",
      np.allclose(weights_after["weight_decay"][:2], [0.95, 0.9025]) and np.allclose(rates_used["weight_decay"], 0.1),
      f"{weights_after}, {rates_used}")
claim("The schedule did not move the weight; its rate fell from 0.1 to 0.0667 and 0.05",
      weights_after["schedule"] == [1.0, 1.0, 1.0] and np.allclose(rates_used["schedule"], [0.1, 0.1 / 1.5, 0.05]),
      f"{weights_after['schedule']}, {rates_used['schedule']}")
claim("moved a weight from 1.0 to 0.95 with a zero gradient", np.isclose(weights_after["weight_decay"][0], 0.95),
      f"{weights_after['weight_decay'][0]}")
schedule_check = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)
keras3_check, keras2_check = keras.optimizers.SGD(learning_rate=schedule_check), SGD(learning_rate=0.1, decay=0.5)
variable_check, w_check = keras.Variable(np.array([1.0, -2.0], "float32")), np.array([1.0, -2.0], "float32")
for step in range(20):
    keras3_check.apply_gradients([(tf.constant([0.5, 0.5]), variable_check)])
    w_check = keras2_check.step(w_check, np.array([0.5, 0.5], "float32"))
claim("Checked step for step against the Keras 2 formula", np.array_equal(w_check, variable_check.numpy()),
      "20 steps, float32")

claim("a NumPy\n`np.float32(0.1)` is rejected too (`np.float64` passes: it is a subclass of Python's float)",
      made_with(learning_rate=np.float32(0.1))[0] is None and made_with(learning_rate=np.float64(0.1))[0] is not None
      and issubclass(np.float64, float), "ValueError for np.float32, none for np.float64")

# §5 decay
claim("rate 0.02 (a little above its best 5-epoch rate, 0.016, in section 1, so that the floor shows)",
      round(chosen[8], 3) == 0.016 and chosen[8] < 0.02 < rates[best[8] + 1], f"{chosen[8]:.4f} < 0.02 < {rates[best[8] + 1]:.4f}")
constant_gaps, decayed_gaps, fast_gaps = epoch_gaps.values()
claim("For the first four epochs (256 steps) the decayed run is *behind* the constant rate",
      np.all(decayed_gaps[:4] > constant_gaps[:4]), f"{decayed_gaps[:4]} vs {constant_gaps[:4]}")
claim("From epoch 5 on it is ahead", np.all(decayed_gaps[4:] < constant_gaps[4:]), "epochs 5 to 20")
claim("while the constant rate stalls on its noise floor, the decayed one keeps improving",
      constant_gaps[-1] > 0.5 * constant_gaps[4] and decayed_gaps[-1] < decayed_gaps[9] < decayed_gaps[4],
      f"constant {constant_gaps[[4, 9, 19]]}, decayed {decayed_gaps[[4, 9, 19]]}")
claim("than ten times lower in the last epoch", constant_gaps[-1] > 10 * decayed_gaps[-1],
      f"{constant_gaps[-1]:.1e} vs {decayed_gaps[-1]:.1e}")
claim("Decay ten times faster, and the rate shrinks before the loss has come down",
      fast_gaps[-1] > constant_gaps[-1] and np.all(fast_gaps > decayed_gaps), f"{fast_gaps[-1]:.1e}")

# takeaways
claim("from a grid with worse rates on both sides of the best", all(0 < best[m] < len(rates) - 1 for m in sizes),
      f"{best}")
claim("in proportion while $\\eta\\lambda_{\\max}$ is small, up to the full-batch limit $2/\\lambda_{\\max}$",
      np.isclose(chosen[8] / chosen[1], 8) and chosen[8] * curvatures.max() < 0.15 and chosen[512] < limit
      and chosen[512] < 512 * chosen[1], f"{chosen}")
claim("batch sizes 1 to 64 made the same progress per epoch here, and the full batch less",
      max(level_gaps[m] for m in (1, 8, 64)) < 1.3 * min(level_gaps[m] for m in (1, 8, 64)) and
      level_gaps[512] > 5 * max(level_gaps[m] for m in (1, 8, 64)), f"{level_gaps}")
claim("per second, on this small problem, the full batch got furthest",
      reached[512][-1] < 1e-10 and all(np.mean(reached[m]) > 1e-4 for m in (1, 8, 64)),
      ", ".join(f"{m}: {np.mean(r):.1e}" for m, r in reached.items()))
claim("a step's time hardly grows with the batch until the batch is large", flat < 5 and steep > 8,
      f"{flat:.1f}, {steep:.1f}")
