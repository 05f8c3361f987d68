"""Claims of 04 · Backpropagation: each conclusion of the prose, held by the notebook's own variables."""

import numpy as np
import tensorflow as tf

from course_utils.gradcheck import numerical_gradients, relative_error, relative_error_verdict

# §1 the dataflow graph
claim("$\\partial L/\\partial y$ is computed but unused",
      abs(y.grad - (-2 * (a.data - y.data))) < 1e-12 and y.grad != 0,
      f"y.grad {y.grad!r}, expected -2(a - y)")
claim("Every factor uses a value the forward pass already computed",
      abs(dL_da * da_dz * dz_dw - w.grad) < 1e-12, f"product {dL_da * da_dz * dz_dw!r}, engine {w.grad!r}")

# §2 the two-layer network
claim("`dW2 = A1.T @ d_Y_hat`: the gradient of the output layer's weights is **its input**",
      np.allclose(dW2, tape_gradients[2], rtol=1e-10), "dW2 against tf.GradientTape")
claim("But `W2` is a parameter, which the network holds anyway",
      any(p is W2 for p in parameters) and not any(c is W2 for c in (X, A1, Y_hat)),
      "W2 is one of the parameters, none of the cached arrays")

# §3 reading a gradient check
claim("The tanh network above (smooth, no kinks) lands in the best band",
      check.max_relative_error < 1e-7 and check.verdict == "below 1e-7: happy",
      f"max relative error {check.max_relative_error:.1e}")
numerical = numerical_gradients(loss_now, parameters)
ours = np.concatenate([relative_error(m, n).ravel() for m, n in zip(mine, numerical)])
theirs = np.concatenate([(np.abs(m - n) / np.maximum(np.maximum(np.abs(m), np.abs(n)), 1e-300)).ravel()
                         for m, n in zip(mine, numerical)])
claim("which is between half of CS231n's value and all of it",
      np.all(ours <= theirs * (1 + 1e-12)) and np.all(ours >= theirs / 2 * (1 - 1e-12)),
      "|a-b|/(|a|+|b|) against |a-b|/max(|a|,|b|) on the section-2 check")
claim("- 1e-7 and less you should be happy.",
      [relative_error_verdict(e) for e in (1e-8, 1e-5, 1e-3, 0.1)]
      == ["below 1e-7: happy", "between 1e-7 and 1e-4: usually okay with kinks, too high without them",
          "between 1e-4 and 1e-2: uncomfortable", "above 1e-2: the gradient is probably wrong"],
      "relative_error_verdict follows CS231n's four bands")

inside, outside = np.abs(offsets) <= 1, np.abs(offsets) >= 2
claim("scores above $10^{-2}$ (\"probably wrong\") wherever $Z_1[3, 2]$ sits within $h$ of the kink",
      inside.sum() >= 15 and np.all(kink_errors[inside] > 1e-2) and near.max_relative_error > 1e-2,
      f"smallest error within h: {kink_errors[inside].min():.1e}")
claim("and below $10^{-7}$ a few $h$ away",
      np.all(kink_errors[outside] < 1e-7) and far.max_relative_error < 1e-7,
      f"largest error beyond 2h: {kink_errors[outside].max():.1e}")
band = np.abs(offsets) < abs(X[sample, 0])
claim("The failing band is a little wider than $\\pm h$",
      np.all(kink_errors[band] > 1e-3) and np.any(kink_errors[band & ~inside] > 1e-2)
      and np.all(kink_errors[~band] < 1e-7), "errors large up to |X[3, 0]| h, small beyond")
claim("one step of `W1[0, 2]` moves $Z_1[3, 2]$ by $X_{3,0}\\,h = 1.30\\,h$", round(X[sample, 0], 2) == 1.30,
      f"X[3, 0] = {X[sample, 0]:.4f}")

relu_check(0.5)  # the failing point again: is the backward pass right there?
relu_variables = [tf.Variable(p) for p in relu_parameters]
with tf.GradientTape() as relu_tape:
    relu_tape_loss = tf.reduce_mean((tf.nn.relu(X @ relu_variables[0] + relu_variables[1]) @ relu_variables[2]
                                     + relu_variables[3] - Y) ** 2)
relu_right = all(np.allclose(m, t.numpy(), rtol=1e-10, atol=1e-14) for m, t in
                 zip(relu_gradients(*relu_parameters), relu_tape.gradient(relu_tape_loss, relu_variables)))
claim("Then the backward pass is right and the check fails anyway",
      relu_right and relu_check(0.5).max_relative_error > 1e-2, "ReLU gradients at 0.5 h against tf.GradientTape")
relu_parameters[1][:] = b1  # the ReLU network as drawn, no pre-activation moved
at_random = gradient_check(relu_loss, relu_parameters, relu_gradients(*relu_parameters))
claim("At $h = 10^{-6}$ a random pre-activation is rarely this close to 0",
      np.abs(X @ W1 + b1).min() > 1000 * h and at_random.max_relative_error < 1e-7,
      f"closest pre-activation {np.abs(X @ W1 + b1).min():.1e}; check {at_random.max_relative_error:.1e}")

# §4 what reuse saves
claim("both ways give the same gradients", agree, "both versions against course_utils.nn at every depth")
doubling = [counts[False, d2] / counts[False, d1] / 2 ** (d2 - d1) for d1, d2 in zip(depths[2:], depths[3:])]
claim("the count about doubles with every layer added, as the number of paths does",
      all(0.8 < r < 1.2 for r in doubling), f"growth per layer / 2: {np.round(doubling, 3)}")
claim("it grows by the same 10 multiplications per layer", all(counts[True, d] == 10 * d - 4 for d in depths),
      f"{[counts[True, d] for d in depths]}")
claim("At depth 14 backpropagation does 1927 times fewer multiplications",
      round(counts[False, 14] / counts[True, 14]) == 1927, f"{counts[False, 14]} / {counts[True, 14]}")
claim("Summing the chain rule along every path instead costs a number of multiplications that doubles with every "
      "layer", all(0.8 < r < 1.2 for r in doubling), f"growth per layer / 2: {np.round(doubling, 3)}")

# §4 backward against forward, backprop against finite differences
claim("So a backward pass does twice the multiply-adds of a forward pass",
      all(c["backward_multiply_adds"] == 2 * c["forward_multiply_adds"] for c in costs), "counted per network")
claim("finite differences only on the five smallest networks", timed.sum() == 5 and timed[:5].all(),
      f"timed: {timed}")
per_evaluation = seconds["finite_difference"][timed] / (2 * parameter_counts[timed] * seconds["loss"][timed])
claim("Finite differences cost what their count says: 2 × (parameters) loss evaluations",
      check.loss_evaluations == 2 * sum(p.size for p in parameters)
      and all(c["loss_evaluations"] == 2 * c["parameters"] for c in costs)
      and np.all((per_evaluation > 0.3) & (per_evaluation < 3)),
      f"counted {check.loss_evaluations} loss evaluations for 13 parameters; "
      f"time / (2P loss evaluations): {np.round(per_evaluation, 2)}")
claim("so their time climbs with a slope of about 1 on the log-log plot", 0.8 <= fd_slope <= 1.5,
      f"fitted slope {fd_slope:.2f}")
forward_growth = seconds["forward"][4] / seconds["forward"][0]
claim("over the five smallest networks one forward pass (dashed) barely grows",
      forward_growth < 3 and parameter_counts[4] / parameter_counts[0] > 40,
      f"forward x{forward_growth:.1f} for parameters x{parameter_counts[4] / parameter_counts[0]:.0f}")
whole = seconds["backprop"] / seconds["forward"]
claim("A whole gradient by backpropagation costs between 1.5 and 4 forward passes at every size",
      np.all((whole >= 1.5) & (whole <= 4)), f"ratios {np.round(whole, 2)}")
claim("rising with the largest networks, as their arithmetic grows",
      seconds["backprop"][-1] / seconds["backprop"][0] > 5 and seconds["forward"][-1] / seconds["forward"][0] > 5,
      f"backprop x{seconds['backprop'][-1] / seconds['backprop'][0]:.0f}, "
      f"forward x{seconds['forward'][-1] / seconds['forward'][0]:.0f} from the smallest to the largest")
gap = seconds["finite_difference"][timed] / seconds["backprop"][timed]
claim("The gap widens with every parameter added", np.all(np.diff(gap) > 0), f"FD / backprop {np.round(gap)}")
claim("on the small networks a backward pass takes about as long as a forward pass",
      np.all((backward_ratio[:5] > 0.8) & (backward_ratio[:5] < 1.5)), f"ratios {np.round(backward_ratio[:5], 2)}")
claim("As the networks grow, the ratio climbs towards the counted 2",
      backward_ratio[-1] > backward_ratio[0] + 0.3 and backward_ratio[-1] < 2.5,
      f"ratios {np.round(backward_ratio, 2)}")
claim("measured here, it costs about one to two", np.all((backward_ratio > 0.8) & (backward_ratio < 2.5)),
      f"ratios {np.round(backward_ratio, 2)}")
claim("measured here, it takes one to two forward passes, and a whole gradient 1.5 to 4",
      np.all((backward_ratio > 0.8) & (backward_ratio < 2.5)) and np.all((whole >= 1.5) & (whole <= 4)),
      f"backward {np.round(backward_ratio, 2)}, whole {np.round(whole, 2)}")

# §4 forward against reverse mode
parameter_total = sum(int(np.prod(v.shape)) for v in weights)
claim("so a gradient with respect to P parameters needs P sweeps",
      sweeps == parameter_total == 13
      and all(np.allclose(f, t, rtol=1e-12, atol=1e-15) for f, t in zip(forward_mode, tape_gradients)),
      f"{sweeps} sweeps for {parameter_total} parameters, same gradient as the tape")
claim("needs one sweep where forward mode needs P", sweeps == parameter_total,
      f"forward mode {sweeps} sweeps, reverse mode 1, for {parameter_total} parameters")
claim("a single sweep gives the whole gradient of a scalar loss",
      all(np.allclose(m, t, rtol=1e-10) for m, t in zip(mine, tape_gradients)), "one tape.gradient call")

# §4 memory
claim("each layer keeps its input `x` and its pre-activation `z`, one row per sample",
      all(layer.x.shape[0] == layer.z.shape[0] == 1024 for layer in classifier.layers), "after the batch-1024 pass")
claim("64 times the samples, 64 times the bytes", cache_bytes[1024] == 64 * cache_bytes[16],
      f"{cache_bytes}")
claim("while the parameters stay the same", sum(p.nbytes for p in classifier.parameters()) == parameter_bytes,
      "parameter bytes after both passes")
claim("At batch 16 the cache is about the size of the weights", 0.7 < cache_bytes[16] / parameter_bytes < 1.3,
      f"ratio {cache_bytes[16] / parameter_bytes:.2f}")
claim("at batch 1024 it is about 59 times larger", round(cache_bytes[1024] / parameter_bytes) == 59,
      f"ratio {cache_bytes[1024] / parameter_bytes:.1f}")
