"""Claims of 05 · SGD, momentum, Nesterov and decay: each conclusion of the prose, held by the notebook's variables."""

import warnings

import keras
import numpy as np
import tensorflow as tf

from course_utils.descent import descend
from course_utils.optimizers import SGD, Adam

# §1 each batch size at its own rate
tuned_gap = {m: grid[m][chosen[m]] for m in sizes}
claim("the best rate grows with the batch",
      [chosen[m] for m in sizes] == sorted(chosen[m] for m in sizes) and chosen[512] == max(rates)
      and max(rates) < limit, f"chosen {chosen}, limit {limit:.3f}")
claim("0.01 for batch sizes 1 and 8, 0.1 for 64, 0.2 for the full batch",
      chosen == {1: 0.01, 8: 0.01, 64: 0.1, 512: 0.2}, f"{chosen}")
claim("Batch size 1 is unstable at 0.1, far below the full-batch limit",
      not np.isfinite(grid[1][0.1]) and not np.isfinite(grid[1][0.2]) and 0.1 < limit / 2, f"grid {grid[1]}")
claim("one sample's loss can curve much more steeply than the average (84 against 7.07)",
      round(sample_curvatures.max()) == 84 and round(curvatures.max(), 2) == 7.07
      and np.mean(sample_curvatures * 0.1 > 2) > 0.05,
      f"largest {sample_curvatures.max():.1f}; share of samples that a step at 0.1 overshoots "
      f"{np.mean(sample_curvatures * 0.1 > 2):.2f}")
shared_ranking = sorted(sizes, key=lambda m: grid[m][0.01])
claim("A comparison at one shared rate would measure the rate, not the batch size",
      shared_ranking != ranking and grid[512][0.01] > 100 * tuned_gap[512],
      f"ranking at 0.01 {shared_ranking}, at own rates {ranking}")

# §1 per epoch and per second
claim("the mid-size batches get furthest", set(ranking[:2]) == {8, 64} and tuned_gap[64] < tuned_gap[1] / 3
      and tuned_gap[8] < tuned_gap[512] / 3, f"ranking {ranking}, gaps {tuned_gap}")
quarter = {m: per_epoch[m][n // 4 // m] - best_loss for m in sizes}
claim("Batch size 1 takes 512 steps per epoch and falls fastest at first",
      min(quarter, key=quarter.get) == 1, f"loss − best after a quarter epoch {quarter}")
epoch_means = per_epoch[1][1:].reshape(epochs, -1).mean(axis=1) - best_loss
claim("then stalls on the floor that its noise sets", epoch_means[-1] > 0.5 * epoch_means[1],
      f"batch 1, epoch means {epoch_means}")
claim("the full batch takes the cleanest steps, but only 5 of them",
      len(per_epoch[512]) == 6 and np.all(np.diff(per_epoch[512]) < 0), "5 steps, each lowers the loss")
step_time = {m: np.median(np.diff(per_second[m][1])) for m in sizes}
to_005 = {m: first_step_below(per_second[m][0], 0.05) for m in sizes}
claim("they need 8 and 4 steps, about the same time",
      to_005[512] == 4 and to_005[64] == 8 and 1 / 3 < (8 * step_time[64]) / (4 * step_time[512]) < 3,
      f"steps {to_005}, median step times {step_time}")
claim("Batch size 1 needs 88 steps, over 5× the full batch's time",
      to_005[1] == 88 and to_005[1] * step_time[1] > 5 * to_005[512] * step_time[512], f"steps {to_005}")
staying = {m: stays_below_from(per_second[m][0], 0.01) for m in sizes}
claim("it stays within 0.01 from step 9 on (batch size 8 from step 200)",
      staying == {1: None, 8: 200, 64: None, 512: 9}, f"{staying}")
claim("Below 0.01 only the full batch keeps going", staying[512] == min(v for v in staying.values() if v),
      f"{staying}")
claim("batch sizes 1 and 64 hover above it on their noise floors",
      all(np.mean(per_second[m][0][-1000:] - best_loss) > 1e-3 for m in (1, 64)), "mean of the last 1000 steps")

# §1 the cost of a step
claim("a step's time is nearly flat up to a few hundred samples", flat < 5, f"512 vs 1: {flat:.1f}×")
claim("beyond that, the time grows with the batch", steep > 8, f"32768 vs 512: {steep:.1f}×")
claim("more and more steeply", step_cost[32768] / step_cost[4096] > step_cost[4096] / step_cost[512],
      f"8× more samples: {step_cost[4096] / step_cost[512]:.1f}× from 512, {step_cost[32768] / step_cost[4096]:.1f}× "
      "from 4096")
claim("an epoch of batch size 1 takes over 50× as long as an epoch of the full batch", epoch_ratio > 50,
      f"{epoch_ratio:.0f}×")
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
claim("momentum barely stops there (4 steps) and gets away at step 33",
      plateau[momentum_label] == 4 and escape_step[momentum_label] == 33, f"{plateau}, {escape_step}")
growth = {plain_label: momentum_factor(0.1, 0.0, -1.0), momentum_label: momentum_factor(0.1, 0.9, -1.0)}
claim("plain SGD multiplies $y$ by $1 + \\eta = 1.1$ per step, momentum 0.9 by 1.316",
      round(growth[plain_label], 3) == 1.1 and round(growth[momentum_label], 3) == 1.316
      and all(abs(np.log(0.5 / 1e-4) / np.log(growth[label]) / escape_step[label] - 1) < 0.15 for label in growth),
      "growth factors, and ln(0.5 / 1e-4) / ln(factor) within 15 % of the escape step")
claim("At a saddle it speeds up the escape", escape_step[momentum_label] < escape_step[plain_label] / 2,
      f"{escape_step}")
claim("so it needs about a third of the steps", 0.25 < escape_step[momentum_label] / escape_step[plain_label] < 0.45,
      f"{escape_step}")

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

# §5 decay
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
claim("At their own rates, mid-size batches made the most progress per epoch here", set(ranking[:2]) == {8, 64},
      f"{ranking}")
budget = 60 * step_time[512]  # the time of 60 full-batch steps
reached = {m: per_second[m][0][:int(budget / step_time[m]) + 1] - best_loss for m in sizes}
claim("per second, on this small problem, the full batch got furthest",
      reached[512][-1] < 1e-6 and all(np.mean(reached[m][-20:]) > 1e-4 for m in (1, 8, 64)),
      f"after {budget * 1e3:.2f} ms: " + ", ".join(f"{m}: {np.mean(r[-20:]):.1e}" for m, r in reached.items()))
claim("a step's time hardly grows with the batch until the batch is large", flat < 5 and steep > 8,
      f"{flat:.1f}, {steep:.1f}")
