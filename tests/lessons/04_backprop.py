"""Claims of 04 · Backpropagation: each conclusion of the prose, held by the notebook's own variables."""

import inspect

import keras
import numpy as np
import tensorflow as tf

from course_utils.autodiff import Value
from course_utils.gradcheck import numerical_gradients, relative_error, relative_error_verdict
from course_utils.nn import DERIVATIVES_FROM_OUTPUT

# §1 the dataflow graph
claim("$\\partial L/\\partial y$ is computed but unused",
      abs(y.grad - (-2 * (a.data - y.data))) < 1e-12 and y.grad != 0,
      f"y.grad {y.grad!r}, expected -2(a - y)")
claim("Each edge carries its **local derivative**",
      wx.local == (x.data, w.data) and z.local == (1.0, 1.0) and a.local == (1 - a.data**2,)
      and error.local == (1.0, -1.0) and L.local == (2 * error.data,),
      f"local derivatives wx {wx.local}, a {a.local}, L {L.local}")
path_product = L.local[0] * error.local[0] * a.local[0] * z.local[0] * wx.local[0]
claim("In this graph every node has a single path to $L$, so its gradient is a single product",
      all(len(node.parents) <= 2 for node in (wx, z, a, error, L)) and abs(path_product - w.grad) < 1e-12,
      f"product of the edges from w to L {path_product!r}, w.grad {w.grad!r}")
claim("Every factor uses a value the forward pass already computed",
      abs(dL_da * da_dz * dz_dw - w.grad) < 1e-12, f"product {dL_da * da_dz * dz_dw!r}, engine {w.grad!r}")
twice = Value(3.0)
(twice * twice).backward()
claim("a value used twice (as in $x \\cdot x$) has a path to the output through each use, and the chain rule sums "
      "over paths", twice.grad == 6.0, f"d(x*x)/dx at 3: {twice.grad} = 3 + 3, one term per path")

# §2 the two-layer network
claim("`dW2 = A1.T @ d_Y_hat`: the gradient of the output layer's weights is **its input**",
      np.allclose(dW2, tape_gradients[2], rtol=1e-10), "dW2 against tf.GradientTape")
claim("`A1.T @ d_Y_hat` adds up, over the 8 samples, each sample's input (a row of `A1`) times its error",
      len(per_sample) == 8 and np.allclose(sum(per_sample), dW2, rtol=1e-12), "sum of outer products against dW2")
claim("| `Z1`, `A1` | 8 × 3 | 3 hidden units per sample |",
      X.shape == (8, 2) and W1.shape == (2, 3) and Z1.shape == A1.shape == (8, 3) and W2.shape == (3, 1)
      and Y_hat.shape == Y.shape == (8, 1) and dW1.shape == W1.shape and dW2.shape == W2.shape, "the shape table")
claim("But `W2` is a parameter, which the network holds anyway",
      any(p is W2 for p in parameters) and not any(c is W2 for c in (X, A1, Y_hat)),
      "W2 is one of the parameters, none of the cached arrays")

# §3 the library and Keras
hidden = network.layers[0]
claim("reads the activation's derivative off the cached output (for tanh `1 - a**2`, as in the\nhand-written pass: "
      "tanh is not computed again)",
      np.array_equal(hidden.a, A1) and np.array_equal(DERIVATIVES_FROM_OUTPUT["tanh"](hidden.a), 1 - A1**2)
      and "self.a" in inspect.getsource(Dense.backward) and "self.z" not in inspect.getsource(Dense.backward)
      and "z" not in vars(hidden), "the layer's cached output is A1; backward reads a, never z")
from keras.src.backend.tensorflow.trainer import TensorFlowTrainer  # noqa: E402

train_step = inspect.getsource(TensorFlowTrainer.train_step)
steps = [train_step.find(s) for s in ("with tf.GradientTape() as tape:", "self._compute_loss(",
                                      "tape.gradient(loss, trainable_weights)", "self.optimizer.apply_gradients(")]
claim("runs the forward pass and the loss inside a `tf.GradientTape`, then calls `tape.gradient(loss, "
      "trainable_weights)`", min(steps) >= 0 and steps == sorted(steps), f"positions in train_step: {steps}")
claim("The three lines:", sum(any(s in line for s in ("tf.GradientTape()", "tape.gradient(", "optimizer.apply_gradients("))
                              for line in lines) == 3 and keras.__version__ == "3.15.1",
      "the new cell prints one line each for the tape, tape.gradient and apply_gradients")

# §3 reading a gradient check
claim("as they should for the tanh network above (smooth,\nno kinks), whose backward pass is right",
      check.max_relative_error < 1e-7 and check.verdict == "below 1e-7: happy",
      f"max relative error {check.max_relative_error:.1e}")
ours = np.concatenate([relative_error(m, n).ravel() for m, n in zip(mine, numerical)])
theirs = np.concatenate([(np.abs(m - n) / np.maximum(np.maximum(np.abs(m), np.abs(n)), 1e-300)).ravel()
                         for m, n in zip(mine, numerical)])
claim("which is between half of CS231n's value and all of it",
      np.all(ours <= theirs * (1 + 1e-12)) and np.all(ours >= theirs / 2 * (1 - 1e-12)),
      "|a-b|/(|a|+|b|) against |a-b|/max(|a|,|b|) on the section-2 check")
claim("both versions are of\nthe same order and both land in the best band (their orders and bands are printed above)",
      cs231n_error < 1e-7 and check.max_relative_error <= cs231n_error <= 2 * check.max_relative_error
      and round(np.log10(cs231n_error)) == round(np.log10(check.max_relative_error)),
      f"ours {check.max_relative_error:.1e}, CS231n's {cs231n_error:.1e}")
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
left, right = inside & (offsets < 0), inside & (offsets > 0)
relu_check(-0.5)
without_3 = relu_gradients(*relu_parameters)[0][:, unit]  # unit 2 inactive for sample 3
relu_check(0.5)
with_3 = relu_gradients(*relu_parameters)[0][:, unit]  # active
Z_kink = X @ relu_parameters[0] + relu_parameters[1]
d_out = 2 * (np.maximum(Z_kink, 0) @ relu_parameters[2] + relu_parameters[3] - Y) / Y.size
sample_3 = X[sample] * (d_out[sample] @ relu_parameters[2][unit])  # sample 3's term of W1[:, 2]'s gradient
claim("left of the kink the backward pass leaves sample 3 out of unit 2's weight\ngradients, right of it counts it in "
      "full", np.all(np.abs(sample_3) > 0) and np.allclose(with_3 - without_3, sample_3, rtol=1e-4),
      f"gradient of W1[:, 2] right minus left {with_3 - without_3}, sample 3's term {sample_3}")
claim("sample 3 makes up most of those gradients, so the mismatch is larger on the left",
      np.all(np.abs(sample_3) > np.abs(without_3)) and kink_errors[left].min() > kink_errors[right].max(),
      f"sample 3's term {np.abs(sample_3)} against the rest {np.abs(without_3)}; errors left "
      f"{kink_errors[left].min():.2f}..{kink_errors[left].max():.2f}, right "
      f"{kink_errors[right].min():.2f}..{kink_errors[right].max():.2f}")

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
links = [(layer.weights != 0).astype(int) for layer in chain.layers]  # the last chain: width 3, depth 6
paths_from = [np.linalg.multi_dot([np.eye(3, dtype=int)] + links[k:] + [np.eye(3, dtype=int)]).sum(axis=1)
              for k in (1, 2)]  # paths to the output from a unit of the first and of the second layer
claim("a unit of the first layer has width^(depth − 1) paths to the output",
      len(links) == 6 and np.all(paths_from[0] == 3 ** 5) and np.all(paths_from[1] == 3 ** 4),
      f"paths from a first-layer unit {paths_from[0]}, from a second-layer unit {paths_from[1]}")
claim("both ways give the same gradients", agree, "both versions against course_utils.nn at every width and depth")
growth = {width: [(counts[width, False, d2] / counts[width, False, d1]) ** (1 / (d2 - d1)) / width
                  for d1, d2 in zip(depths[width][-3:], depths[width][-2:])] for width in depths}
claim("Without reuse, the count\ngrows by a factor of about `width` with every layer added, once the chain is a few "
      "layers deep (it\ndoubles at width 2 and triples at width 3), as the number of paths does", all(0.8 < r < 1.2 for r in growth[2] + growth[3]),
      f"growth per layer / width over the last depths: {({w: np.round(g, 3).tolist() for w, g in growth.items()})}")
claim("With reuse it grows by\nthe same amount per layer, 2·width² + width multiplications",
      all(counts[width, True, d] - counts[width, True, 1] == (2 * width**2 + width) * (d - 1)
          for width in depths for d in depths[width]),
      f"{[counts[2, True, d] for d in depths[2]]}, {[counts[3, True, d] for d in depths[3]]}")
claim("10 at width 2, 21 at width 3", (2 * 2**2 + 2, 2 * 3**2 + 3) == (10, 21)
      and counts[2, True, 14] - counts[2, True, 12] == 20 and counts[3, True, 6] - counts[3, True, 5] == 21,
      "per-layer growth read off the counts")
claim("At depth 14 and width 2 backpropagation does 1927 times fewer\nmultiplications",
      round(counts[2, False, 14] / counts[2, True, 14]) == 1927, f"{counts[2, False, 14]} / {counts[2, True, 14]}")
claim("its count still grows with the number of paths", all(0.8 < r < 1.2 for r in growth[2] + growth[3]),
      "error_by_paths's count grows by a factor of width per layer")
claim("Summing the chain rule along every path instead costs a number of multiplications that grows with the\n"
      "number of paths, width^(depth − 1): ×2 per layer at width 2, ×3 at width 3; with reuse it grows by a fixed\n"
      "amount per layer",
      all(0.8 < r < 1.2 for r in growth[2] + growth[3])
      and all(counts[w, True, d2] - counts[w, True, d1] == (2 * w**2 + w) * (d2 - d1)
              for w in depths for d1, d2 in zip(depths[w], depths[w][1:])), "the counts of section 4")

# §4 backward against forward: counted
counted = np.array([c["backward_multiply_adds"] / c["forward_multiply_adds"] for c in costs])
needed = np.array([c["backward_multiply_adds_without_input_gradient"] / c["forward_multiply_adds"] for c in costs])
claim("the counted multiply-adds of a backward pass are exactly twice the forward pass's at every\nsize",
      np.all(counted == 2), f"counted ratios {counted}")
first_dx = costs[0]["backward_multiply_adds"] - costs[0]["backward_multiply_adds_without_input_gradient"]
claim("and without the first layer's `dx`, which frameworks skip, less: 1.23 on the narrowest network,\n"
      "where the 10 inputs outnumber the 2 units, so that this `dx` is as large as the first layer's forward product, up\n"
      "to 1.98 on the widest",
      np.all((needed > 1) & (needed < 2)) and np.all(np.diff(needed) > 0)
      and (round(needed[0], 2), round(needed[-1], 2)) == (1.23, 1.98)
      and first_dx == 32 * 10 * 2 and first_dx > costs[0]["forward_multiply_adds"] / 2,
      f"{np.round(needed, 3)}; the first layer's dx on the narrowest network: {first_dx} multiply-adds of "
      f"{costs[0]['backward_multiply_adds']}")
claim("up to 2×, less without the\n  data's gradient, which frameworks skip", np.all(needed < counted),
      f"{np.round(needed, 3)} against {counted}")
from tensorflow.python.ops import math_grad  # noqa: E402

claim("its matrix-product gradient drops the product for an input that needs no gradient",
      "skip_input_indices" in inspect.getsource(math_grad._MatMulGrad)
      and "return None, grad_b" in inspect.getsource(math_grad._MatMulGradAgainstSecondOnly),
      "TensorFlow's MatMul gradient function")

# §4 CPU times: bands with margin. 63 runs of the notebook's gradient_costs (best of 9, 15 or 25 runs) on a loaded
# 2-core machine, NumPy on OpenBLAS's Haswell and Prescott kernels, gave: backward / forward 0.99-1.26 on the five
# smallest networks and 1.57-2.36 on the largest (2.57 in one of the reviewer's 4 runs); whole gradient / forward
# 1.79-4.42; measured / extrapolated finite differences 0.58-1.68; slope 0.89-1.16; loss / forward - 1 on the
# smallest 0.66-0.89; forward growth over the five smallest <= 2.53; FD / backprop growth from 31 to 1441
# parameters >= 24; extrapolated FD / backprop at 268801 >= 1.4e5.
per_evaluation = seconds["finite_difference"][timed] / extrapolated[timed]
claim("Finite differences cost what their count says: 2 × (parameters) loss evaluations. Their measured time follows "
      "the\n  dashed extrapolation",
      check.loss_evaluations == 2 * sum(p.size for p in parameters)
      and all(c["loss_evaluations"] == 2 * c["parameters"] for c in costs) and within(per_evaluation, 0.3, 3),
      f"counted {check.loss_evaluations} loss evaluations for 13 parameters; measured / extrapolated: "
      f"{np.round(per_evaluation, 2)}")
claim("climbs with a slope of about 1 on the log-log plot", within(fd_slope, 0.7, 1.5), f"fitted slope {fd_slope:.2f}")
forward_growth = seconds["forward"][4] / seconds["forward"][0]
claim("over the five smallest networks one forward pass (dotted)\n  grows less than 5-fold while the parameters grow "
      "from 31 to 1441",
      forward_growth < 5 and (parameter_counts[0], parameter_counts[4]) == (31, 1441),
      f"forward x{forward_growth:.1f}")
claim("A whole gradient by backpropagation costs about three forward passes at every size, from 31 to 268801 "
      "parameters:\n  a forward pass, the loss and a backward pass",
      within(whole_ratio, 1.5, 6) and within(np.median(whole_ratio), 2, 4.5) and parameter_counts[-1] == 268801
      and np.all(seconds["backprop"] > seconds["forward"]),
      f"ratios {np.round(whole_ratio, 2)}, median {np.median(whole_ratio):.2f}")
claim("the check printed below it accepts 1.5 to 6", within(whole_ratio, 1.5, 6), f"ratios {np.round(whole_ratio, 2)}")
claim("rising with the largest networks, as their arithmetic grows",
      seconds["backprop"][-1] / seconds["backprop"][0] > 5 and seconds["forward"][-1] / seconds["forward"][0] > 5,
      f"backprop x{seconds['backprop'][-1] / seconds['backprop'][0]:.0f}, "
      f"forward x{seconds['forward'][-1] / seconds['forward'][0]:.0f} from the smallest to the largest")
claim("finite differences / backpropagation is over 5 times larger at 1441\n  parameters than at 31, and extrapolated "
      "to 268801 parameters it is over $10^4$",
      gap[-1] > 5 * gap[0] and extrapolated[-1] > 1e4 * seconds["backprop"][-1],
      f"FD / backprop {np.round(gap)}; extrapolated {extrapolated[-1] / seconds['backprop'][-1]:.1e}")
claim("On the\nsmall networks a backward pass takes about as long as a forward pass", within(backward_ratio[:5], 0.6, 2),
      f"ratios {np.round(backward_ratio[:5], 2)}")
claim("The whole gradient also evaluates the loss, `mse`, whose checks of its\ninputs add a fixed cost of their own "
      "there", within(loss_ratio[0] - 1, 0.2, 2), f"loss / forward {np.round(loss_ratio, 2)}")
claim("As the networks grow, the arithmetic takes over and the backward pass\napproaches the count's 2",
      within(backward_ratio[-1], 1.2, 4) and backward_ratio[-1] > backward_ratio[0] + 0.2,
      f"ratios {np.round(backward_ratio, 2)}")
claim("measured, a backward pass costs one to a few forward passes, never P of them",
      within(backward_ratio, 0.5, 4), f"ratios {np.round(backward_ratio, 2)}")
claim("measured, it takes one to a few forward passes, and a whole gradient\n  about three, at every size",
      within(backward_ratio, 0.5, 4) and within(whole_ratio, 1.5, 6) and within(np.median(whole_ratio), 2, 4.5),
      f"backward {np.round(backward_ratio, 2)}, whole {np.round(whole_ratio, 2)}")

# §4 forward against reverse mode
claim("so a gradient with respect to P parameters needs P sweeps",
      sweeps == parameter_total == 13
      and all(np.allclose(f, t, rtol=1e-12, atol=1e-15) for f, t in zip(forward_mode, tape_gradients)),
      f"{sweeps} sweeps for {parameter_total} parameters, same gradient as the tape")
claim("needs one sweep where forward mode needs P", sweeps == parameter_total == sum(g.size for g in tape_gradients),
      f"forward mode {sweeps} sweeps; one tape.gradient call gave {sum(g.size for g in tape_gradients)} values")
claim("a single sweep gives the whole gradient of a scalar loss",
      all(np.allclose(m, t, rtol=1e-10) for m, t in zip(mine, tape_gradients)), "one tape.gradient call")

# §4 memory
layers = classifier.layers
claim("each layer keeps its input `x` and its output `a`, one row per sample",
      all(layer.x.shape[0] == layer.a.shape[0] == 1024 for layer in layers), "after the batch-1024 pass")
claim("a\nlayer's output is the next layer's input, one and the same array, kept once",
      layers[0].a is layers[1].x and cache_bytes[16] == 16 * 8 * (64 + 32 + 10), f"{cache_bytes}")
claim("The pre-activations `z` are not kept", not any("z" in vars(layer) for layer in layers),
      "no layer holds a z array")
claim("Keras computes in float32, so the same activations take half these bytes there",
      keras.config.floatx() == "float32" and np.zeros(1, "float32").nbytes * 2 == np.zeros(1).nbytes,
      "Keras's default float type")
claim("64 times the samples, 64 times the bytes", cache_bytes[1024] == 64 * cache_bytes[16], f"{cache_bytes}")
claim("while the parameters stay the same", sum(p.nbytes for p in classifier.parameters()) == parameter_bytes,
      "parameter bytes after both passes")
claim("At batch 16 the cache is smaller than the weights", cache_bytes[16] < parameter_bytes,
      f"ratio {cache_bytes[16] / parameter_bytes:.2f}")
claim("at batch 1024 it\nis 45 times larger", round(cache_bytes[1024] / parameter_bytes) == 45,
      f"ratio {cache_bytes[1024] / parameter_bytes:.1f}")
recording = tf.GradientTape(persistent=True)
with recording:
    inside_tape = section_2_loss()
outside_tape = section_2_loss()
claim("A framework that only predicts (Keras's `predict`,\nor any call outside a `tf.GradientTape`) records nothing "
      "for a backward pass",
      all(g is None for g in recording.gradient(outside_tape, weights))
      and all(g is not None for g in recording.gradient(inside_tape, weights)),
      "a loss computed outside the tape has no gradient")
adam = keras.optimizers.Adam()
adam.build([keras.Variable(p) for p in classifier.parameters()])
slots = sum(int(np.prod(v.shape)) for v in adam.variables if v.path.endswith(("_momentum", "_velocity")))
claim("Adam: two more values per parameter", slots == 2 * sum(p.size for p in classifier.parameters())
      and sum(g.nbytes for g in classifier_gradients) == parameter_bytes,
      f"Adam's slots {slots} for {sum(p.size for p in classifier.parameters())} parameters")
