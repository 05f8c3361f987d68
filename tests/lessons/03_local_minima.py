"""Claims of 03 · Local minima and random initialisation: each conclusion of the prose, held by the notebook's own
variables."""

import numpy as np

# §1-2 the start decides the end; basins
ends = {label: float(run.final_point) for label, run in runs.items()}
claim("the starts at 1.4 and 1.7 lie only 0.3 apart, yet one ends in the middle valley and the other in the global "
      "minimum", abs(ends["start +1.4"] - 0.5) < 1e-3 and abs(ends["start +1.7"] - 2.4) < 1e-3, str(ends))
shares = [np.mean(labels == index) for index in range(3)]
claim("the basins cover about a quarter, a half and a quarter of the interval, and the measured shares agree",
      all(abs(a - b) < 0.03 for a, b in zip(shares, [0.25, 0.5, 0.25]))
      and all(abs(share - (high - low) / 6) < 0.005 for share, low, high in zip(shares, edges[:-1], edges[1:])),
      f"shares {shares}")
claim("a single start drawn uniformly from $(-3, 3)$ finds the best solution with probability $p = 0.25$",
      abs(p - 0.25) < 1e-12, f"p = {p}")
large_shares = [np.mean(labels_large_step == index) for index in range(3)]
first_large = float(gradient_descent(f, -3.0, learning_rate=0.05, steps=1).path[1])
claim("with rate 0.05 the first step carries the start at $-3$ past the maximum at $-1.4$ into the middle basin",
      f.maxima[0] < first_large < f.maxima[1]
      and abs(float(gradient_descent(f, -3.0, learning_rate=0.05, steps=400).final_point) - 0.5) < 1e-3,
      f"first step to {first_large:.2f}")
claim("The left basin shrinks and the middle one grows", large_shares[0] < shares[0] - 0.01
      and large_shares[1] > shares[1] + 0.01, f"{shares} -> {large_shares}")

# §3 restarts
claim("the simulation follows the formula within its sampling noise (about ±0.03 for 1000 trials)",
      np.all(np.abs(np.array(measured) - predicted) < 0.03), f"largest gap {np.max(np.abs(np.array(measured) - predicted)):.3f}")
eight = [1, 2, 3, 5, 8, 12].index(8)  # the cell's list of k (Exercise 2 reuses the name `restarts`)
claim("Restarts turn a 25 % chance into 90 % with 8 starts", abs(predicted[eight] - 0.9) < 0.01
      and measured[eight] > 0.88, f"{predicted[eight]:.3f}, measured {measured[eight]:.3f}")

# §4 camel: straight boundaries along ridges; the saddle at the centre
from course_utils.descent import gradient_descent as _descend
from course_utils.nn import Network
still = _descend(camel, (0.0, 0.0), learning_rate=0.04, steps=300)
nudged = _descend(camel, (0.0, 0.001), learning_rate=0.04, steps=300)
claim("The centre (0, 0) is a **saddle point**: the gradient there is exactly zero, so a start exactly on it never "
      "moves, while a start 0.001 away slides off into a global minimum",
      np.all(camel.gradient(np.zeros(2)) == 0) and np.all(still.final_point == 0)
      and abs(nudged.final_loss - camel.global_minimum.value) < 1e-3
      and np.linalg.eigvalsh(np.array([[8.0, 1.0], [1.0, -8.0]])).min() < 0,  # the camel's Hessian at (0, 0)
      f"nudged run ends at f = {nudged.final_loss:.4f}")
columns = camel_labels != np.roll(camel_labels, 1, axis=1)  # boundary cells, left/right neighbour differs
claim("the boundaries are mostly straight lines that follow the ridges between the valleys (upright near x ≈ ±1.1 to "
      "±1.3, and a tilted staircase near y ≈ 0)", np.mean(np.isin(np.round(np.abs(X[:, 1:][columns[:, 1:]]), 1), np.round(np.arange(1.0, 1.41, 0.1), 1))
                       | (np.abs(Y[:, 1:][columns[:, 1:]]) < 0.3)) > 0.9,
      "over 90 % of the left/right boundary cells lie at |x| in 1.0-1.4 or |y| < 0.3")

# §5 symmetry
zeros, halves, glorot_model = (trained[name] for name in ["all zeros", "all 0.5", "random (Glorot)"])
hidden_bias, output_bias = zeros.get_layer("hidden").bias.numpy(), zeros.get_layer("output").bias.numpy()
claim("Only the *output* bias moves (the hidden biases get no gradient either",
      np.all(zeros.get_layer("hidden").kernel.numpy() == 0) and np.all(hidden_bias == 0) and np.all(output_bias != 0),
      f"hidden bias {hidden_bias}, output bias {output_bias}")
columns = halves.get_layer("hidden").kernel.numpy()
claim("the four columns stay identical: four copies of one unit", np.all(columns == columns[:, :1])
      and not np.allclose(columns, 0.5), f"{columns}")

# §6 scale of the initialisation
tiny, large, glorot, he = (spreads["tanh", name] for name in initializers)
relu_tiny = spreads["relu", "tiny: N(0, 0.01²)"]
claim("the signal shrinks about six-fold at every layer with tanh (eight-fold with ReLU), to about $10^{-8}$ after ten "
      "($10^{-10}$ with ReLU)", 5 < (tiny[0] / tiny[-1]) ** (1 / 9) < 7 and 7 < (relu_tiny[0] / relu_tiny[-1]) ** (1 / 9) < 9.5
      and 3e-9 < tiny[-1] < 3e-8 and 1e-10 < relu_tiny[-1] < 1e-9,
      f"{(tiny[0] / tiny[-1]) ** (1 / 9):.2f}, {(relu_tiny[0] / relu_tiny[-1]) ** (1 / 9):.2f} per layer")
tiny_gradients = gradient_sizes["tanh", "tiny: N(0, 0.01²)"]
claim("every layer's weight gradient is tiny (a weight's gradient is its input times the error", max(tiny_gradients) < 1e-7, f"{tiny_gradients}")
large_gradients = gradient_sizes["tanh", "large: N(0, 1)"]
claim("with tanh every layer saturates (spread 0.97: most units at ±1)",
      np.all(np.round(large, 2) == 0.97) and saturated["tanh", "large: N(0, 1)"] > 0.5,
      f"{large}, {saturated['tanh', 'large: N(0, 1)']:.2f} saturated")
claim("the gradient *grows* about twenty-thousand-fold from the last layer back to the first",
      1.5e4 < large_gradients[0] / large_gradients[1] < 2.5e4, f"{large_gradients}")
relu_large = spreads["relu", "large: N(0, 1)"]
claim("With ReLU the signal grows more than ten-fold per layer", np.all(relu_large[1:] / relu_large[:-1] > 10),
      f"{relu_large[1:] / relu_large[:-1]}")
glorot_gradients = gradient_sizes["tanh", "glorot_uniform (default)"]
claim("Through 10 tanh layers the spread shrinks by less than three-fold, and the first and the last layer get "
      "gradients of the same size", 1 / 3 < glorot[-1] / glorot[0] < 1
      and 0.8 < glorot_gradients[0] / glorot_gradients[1] < 1.3, f"{glorot[0]:.2f} -> {glorot[-1]:.2f}, {glorot_gradients}")
relu_glorot, relu_he = spreads["relu", "glorot_uniform (default)"], spreads["relu", "he_normal"]
claim("with Glorot's weights its signal still fades layer by layer", np.all(np.diff(relu_glorot) < 0)
      and relu_glorot[-1] < 0.1, f"{relu_glorot}")
claim("keeps the spread near 1", np.all((relu_he > 0.7) & (relu_he < 1.4)), f"{relu_he}")

# §7 twelve seeds: a plateau, and a saddle
claim("every curve first falls to about 0.5, near the loss of the best straight line, and runs flat for a while: a "
      "plateau",
      np.all(np.abs(curves[:, 20:40] - 0.5) < 0.05), f"losses at step 30: {np.round(curves[:, 30], 3)}")
claim("near the loss of the best straight line", np.all(np.abs(curves[:, 30] - line_loss) < 0.05), f"{line_loss:.3f}")
claim("the rate 0.3 is beyond the stability limit $2/\\lambda_\\max$ of notebook 02", 0.3 * max(largest_curvature) > 2,
      f"largest curvature along seed 1: {max(largest_curvature):.1f}")
claim("Nine seeds leave it, after 59 to 439 steps", good.sum() == 9 and min(leave) == 59 and max(leave) == 439,
      f"{leave}")
claim("with violent spikes on the way", all(curve.max() > 5 for curve in curves[good]),
      f"largest loss of each good seed {[round(c.max(), 1) for c in curves[good]]}")
claim("Three never leave it", (~good).sum() == 3 and np.all(np.abs(curves[~good, 200:] - 0.5) < 0.01),
      f"stuck seeds {np.flatnonzero(~good)}")
claim("The loss equals that of the best straight line through the data",
      abs(final_losses[stuck_seed] - line_loss) < 1e-3, f"{final_losses[stuck_seed]:.5f} vs {line_loss:.5f}")
hidden = np.abs(network.layers[0].weights.ravel())
claim("The three hidden units have become copies of one another (the same small weight, up to sign)",
      hidden.max() - hidden.min() < 0.01 and hidden.max() < 0.3, f"{network.layers[0].weights.ravel()}")
claim("The gradient is small, but not zero", 1e-5 < gradient_norm < 1e-2, f"{gradient_norm:.1e}")
claim("The biases are zero, and so are their gradients", largest_bias < 1e-12 and bias_gradient < 1e-15,
      f"{largest_bias:.1e}, {bias_gradient:.1e}")
claim("their directions are (almost) pure bias", all(np.sum(directions[biases_part, i] ** 2) > 0.99 for i in range(3)),
      f"{[np.sum(directions[biases_part, i] ** 2) for i in range(3)]}")
claim("Moving the weights alone would not: in the weights the point is a flat valley", weights_only[0] > -1e-6,
      f"{weights_only}")
claim("theirs were still below $10^{-12}$ when they left the plateau",
      all(biases[seed, step] < 1e-12 for seed, step in zip(np.flatnonzero(good), leave)), "")
claim("Only later, in the spikes, did rounding errors in their biases grow", np.all(biases[good, -1] > 0.5), "")
stuck_biases = [max(np.abs(networks[s].layers[0].bias).max(), np.abs(networks[s].layers[1].bias).max())
                for s in np.flatnonzero(~good)]
claim("For these seeds, gradient descent does not move the biases", max(stuck_biases) < 1e-12,
      f"the stuck seeds' largest biases after 1000 steps: {stuck_biases}")
claim("The Hessian has three **negative** eigenvalues", np.sum(curvatures < -1e-5) == 3, f"{curvatures[:4]}")
claim("the network sits on a plateau next to a **saddle point**", curvature_kind(curvatures, tolerance=1e-5) == "saddle"
      and curvatures[-1] > 1, f"{curvatures[[0, -1]]}")
claim("left alone, the stuck network stays on the plateau", abs(left_alone[-1] - 0.5) < 0.01, f"{left_alone[-1]:.4f}")
claim("Pushed off the saddle, the same network first lingers on the plateau (the way down starts out nearly flat) for "
      "longer than any good seed did, then falls and ends like an ordinary good seed, far below the best line",
      np.argmax(escaped < 0.4) > max(leave) and escaped[999] < final_losses[good].max() * 1.2
      and escaped[-1] < 0.01 * line_loss, f"{np.argmax(escaped < 0.4)} steps; {escaped[[999, -1]]}")
claim("waiting for rounding errors to carry them off would take hundreds of thousands of steps",
      1e5 < e_fold * np.log(1e16) < 1e6, f"{e_fold * np.log(1e16):.0f}")

# §8 restarts on a network
claim("three in four seeds end well", abs(p_network - 0.75) < 0.03, f"p = {p_network}")
predicted_best = {k: 1 - (1 - p_network) ** k for k in best_of}
noise = {k: 3 * np.sqrt(predicted_best[k] * (1 - predicted_best[k]) / (200 // k)) + 0.005 for k in best_of}
claim("keeping the best of two succeeds in more than nine groups out of ten, and the best of three in every one of the "
      "66 groups, as $1 - (1-p)^k$ predicts within the noise of 100 or 66 groups", best_of[2] > 0.9 and best_of[3] == 1
      and all(abs(best_of[k] - predicted_best[k]) < noise[k] for k in best_of), f"{best_of} vs {predicted_best}")
claim("Here the bad ends all sit on the plateau of section 7 (0.499) rather than in worse minima",
      np.all(np.abs(fresh_losses[fresh_losses >= 0.1] - line_loss) < 0.002), "every bad seed ends at the best line's loss")

# §9 random matrices vs coin flips
claim("from $n = 3$ on, random matrices give minima several times more rarely than coin flips would (0.027 against "
      "0.125)", all(share_of_minima[n] < 0.5**n / 3 for n in (3, 5, 8)) and round(share_of_minima[3], 3) == 0.027,
      f"{share_of_minima}")
claim("at $n = 5$ only a handful of 20 000 are minima", 0 < share_of_minima[5] * 20_000 < 10,
      f"{share_of_minima[5] * 20000:.0f}")

stuck_kinds = []
for seed in np.flatnonzero(~good):
    values, vectors = np.linalg.eigh(hessian(lambda: networks[seed].gradients(x_sine, y_sine)[1], networks[seed].parameters()))
    negative = np.flatnonzero(values < -1e-5)
    stuck_kinds.append(curvature_kind(values, tolerance=1e-5) == "saddle" and len(negative) == 3
                       and all(np.sum(vectors[biases_part, i] ** 2) > 0.99 for i in negative))
claim("The three stuck seeds did not find a worse valley", all(stuck_kinds), f"{stuck_kinds}")
