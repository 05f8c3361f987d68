"""Claims of 06 · RMSprop and Adam: each conclusion of the prose, held by the notebook's own variables."""

import numpy as np

from course_utils.optimizers import SGD, Adam, RMSprop

# §1 one rate cannot serve badly scaled parameters
sgd_run, rms_run, adam_run_1 = scaled_runs.values()
ahead = {label: abs(run.path[50, 0]) / 2.5 for label, run in scaled_runs.items()}
claim("after 50 steps SGD still has 38 % of the way along $x$ ahead of it, RMSprop only 10 %",
      round(ahead["SGD, lr = 0.019"], 2) == 0.38 and round(ahead["RMSprop, lr = 0.05"], 2) == 0.10, f"{ahead}")
claim("RMSprop with a constant rate does not settle: it ends *above* SGD's loss (3.0e-2 against 9.9e-3)",
      rms_run.final_loss > sgd_run.final_loss and f"{rms_run.final_loss:.1e}" == "3.0e-02"
      and f"{sgd_run.final_loss:.1e}" == "9.9e-03", f"{rms_run.final_loss:.2e} vs {sgd_run.final_loss:.2e}")
claim("and its loss spikes on the way",
      any(rms_run.losses[t] > 10 * rms_run.losses[:t].min() for t in range(1, 151)), "loss x10 above its best so far")
claim("Adam ends lowest (2.4e-7)",
      adam_run_1.final_loss < min(sgd_run.final_loss, rms_run.final_loss)
      and f"{adam_run_1.final_loss:.1e}" == "2.4e-07",
      f"{adam_run_1.final_loss:.2e}")

# §2 the memory
held = {rho: 1 - rho ** round(1 / (1 - rho)) for rho in (0.9, 0.95, 0.99)}
claim("about $1/(1-\\rho)$ steps, which hold about 63 % of the total weight",
      all(0.6 < share < 0.66 for share in held.values()), f"{held}")
claim("(more for short memories: 75 % at $\\rho$ = 0.5)",
      1 - 0.5 ** round(1 / (1 - 0.5)) == 0.75 and all(share > 1 - np.exp(-1) for share in held.values()),
      f"rho = 0.5: {1 - 0.5 ** 2}; limit {1 - np.exp(-1):.4f}")
at = {label: (run.losses[150], run.losses[1000]) for label, run in memory_runs.items()}
short = ["RMSprop, rho = 0.5", "RMSprop, rho = 0.9", "Adam, beta_1 = 0.0, beta_2 = 0.9"]
claim("A short memory without momentum jitters",
      all(1e-2 < loss < 1e-1 for label in short for loss in at[label]), f"{ {label: at[label] for label in short} }")
claim("RMSprop's `rho` is Adam's $\\beta_2$: the same memory of squared gradients",
      f"{at['RMSprop, rho = 0.9'][1]:.1e}" == f"{at['Adam, beta_1 = 0.0, beta_2 = 0.9'][1]:.1e}" == "3.2e-02",
      "the same memory without momentum gives the same jitter at step 1000")
claim("`rho` = 0.99 and `rho` = 0.999 both go below 1e-10 by step 150",
      at["RMSprop, rho = 0.99"][0] < 1e-10 and at["RMSprop, rho = 0.999"][0] < 1e-10, f"{at}")
no_momentum, momentum_short = at["Adam, beta_1 = 0.0, beta_2 = 0.999"], at["Adam, beta_1 = 0.9, beta_2 = 0.9"]
claim("Adam without momentum ($\\beta_1 = 0$) still converges, to 2.8e-5 by step 150",
      f"{no_momentum[0]:.1e}" == "2.8e-05" and no_momentum[1] < 1e-10, f"{no_momentum}")
claim("what separates section 1's RMSprop from Adam is mostly the memory",
      no_momentum[0] < momentum_short[0] and no_momentum[1] < momentum_short[1],
      f"memory alone {no_momentum}, momentum alone {momentum_short}")
claim("Momentum helps too, less: with the short memory $\\beta_2 = 0.9$ it takes Adam from 3.3e-2 to 1.2e-4",
      f"{at['Adam, beta_1 = 0.0, beta_2 = 0.9'][0]:.1e}" == "3.3e-02" and f"{momentum_short[0]:.1e}" == "1.2e-04",
      f"{at['Adam, beta_1 = 0.0, beta_2 = 0.9']}, {momentum_short}")
claim("`rho` = 0.99 is back at 3.8e-2 by step 1000", f"{at['RMSprop, rho = 0.99'][1]:.1e}" == "3.8e-02",
      f"{at['RMSprop, rho = 0.99']}")
first_step = np.abs(long_memory.path[1] - long_memory.path[0])
claim("The first step of `rho` = 0.999 is $\\eta/\\sqrt{1-\\rho} \\approx 1.6$ long, and the loss jumps from 6.25 "
      "to 89",
      np.allclose(first_step, 0.05 / np.sqrt(1 - 0.999), rtol=1e-3) and round(long_memory.losses[1]) == 89,
      f"first step {first_step}, loss {long_memory.losses[:2]}")

adam_first = np.abs(np.diff(memory_runs["Adam, beta_1 = 0.0, beta_2 = 0.999"].path[:2], axis=0))
claim("Adam's bias correction (section 3) removes exactly this", np.allclose(adam_first, 0.05, rtol=1e-3),
      f"Adam's first step {adam_first} at rate 0.05")

# §2 why a short memory jitters
for rho, rates_here in rates_by_rho.items():
    path = memory_runs[f"RMSprop, rho = {rho}"].path
    steps_taken, gradients = np.diff(path, axis=0), scaled.gradient(path[:-1])
    claim("Recompute $v$ by hand along two of the paths above",
          np.allclose(steps_taken, -rates_here * gradients, rtol=1e-7, atol=1e-300),
          f"rho = {rho}; the optimizer's rate is 0.05 rounded to float32, as in Keras")
growth = steep[30:45] / steep[29:44]
claim("the rate $\\eta/\\sqrt{v_y}$ climbs by 5.4 % per step", np.allclose(growth, 1 / np.sqrt(0.9), rtol=1e-3),
      f"{growth.min():.4f}..{growth.max():.4f}")
claim("a larger effective rate than SGD's 0.019", flat[:50].min() > 0.019, f"lowest rate on x {flat[:50].min():.4f}")
fall = spike - 1 + int(np.argmax(steep[spike - 1:] < 0.02))  # the first rate below the limit after the spike
claim("The large gradients then refill $v_y$, the rate falls below the limit, and the cycle restarts",
      fall <= spike + 3 and np.any(steep[fall:] > 0.02), f"below the limit from step {fall + 1}")
claim("Once $y$ has converged (to below $10^{-15}$)", lowest_y < 1e-15, f"{lowest_y:.1e}")
claim("shortly before the spike the rate is 4.2× the limit",
      f"{steep[spike - 2] / 0.02:.1f}" == "4.2" and spike <= 150,
      f"{steep[spike - 2]:.4f} at step {spike - 1}, spike at {spike}")
claim("$y$'s error has grown into the loss spike of section 1",
      np.array_equal(memory_runs["RMSprop, rho = 0.9"].losses[:151], rms_run.losses) and crossing[0.9] < spike,
      "the same run as section 1's RMSprop for 150 steps; the rate passes the limit before the spike")
claim("both rates sitting at their stability limits (0.02 for $y$, 2 for $x$)",
      np.allclose(rates_by_rho[0.9][299:], [2.0, 0.02], rtol=0.01), f"{rates_by_rho[0.9][299]}")
claim("The same happens to $x$, later: its gradient vanishes too ($|x|$ falls to 8e-21 by step 111)",
      f"{x_path[x_low]:.0e}" == "8e-21" and x_low == 111, f"{x_path[x_low]:.1e} at step {x_low}")
claim("its rate passes its limit 2 at step 112 and climbs to 10.8",
      x_crossing == 112 and f"{flat.max():.1f}" == "10.8" and x_crossing == x_low + 1, f"{x_crossing}, {flat.max():.2f}")
claim("$|x|$ grows back to 7e-2 by step 145 (where $x$'s rate peaks, right panel)",
      x_back == 145 and f"{x_path[x_back]:.0e}" == "7e-02" and abs(int(np.argmax(flat[:300])) + 1 - x_back) <= 2,
      f"{x_path[x_back]:.2e} at step {x_back}; rate peak at step {int(np.argmax(flat[:300])) + 1}")
cycle = memory_runs["RMSprop, rho = 0.9"].path[300:]
claim("each coordinate flips sign at every step, $w \\to -w$", np.allclose(cycle[1:], -cycle[:-1], rtol=1e-3),
      f"{cycle[-2:]}")
claim("RMSprop's step is then exactly $\\eta$ long", np.allclose(np.abs(np.diff(cycle, axis=0)), 0.05, rtol=1e-3),
      f"{np.abs(np.diff(cycle, axis=0))[-1]}")
late = memory_runs["RMSprop, rho = 0.9"].losses[300:]
claim("so $|w| = \\eta/2$ and the loss is $(1 + 100)\\,\\eta^2/8 = 0.03156$: the jitter's 3.2e-2 of the table, predicted",
      np.allclose(np.abs(cycle), 0.025, rtol=1e-3) and f"{floor:.5f}" == "0.03156" and abs(late.mean() / floor - 1) < 1e-3
      and all(f"{at[label][1]:.1e}" == "3.2e-02" for label in short), f"predicted {floor}, measured {late.mean()}")
claim("The loss stays near 3e-2", np.all((late > 2e-2) & (late < 5e-2)), f"{late.min():.2e}..{late.max():.2e}")
claim("the rate on $y$ passes the limit much later", crossing[0.99] > 2 * crossing[0.9], f"{crossing}")
claim("Where gradients are large the effective rate falls", steep[0] < 0.05, f"first rate on y {steep[0]:.4f}")
claim("RMSprop does not decay the learning rate", flat.max() > 0.05 and steep.max() > 0.05,
      "its effective rate rises above eta on both coordinates")
claim("on $x$ to more than 200 times $\\eta$", flat.max() > 200 * 0.05, f"{flat.max():.2f}")

# §3 Adam
beta_1, velocity_rate = 0.9, 0.1
gradients = np.random.default_rng(0).normal(size=20)
sgd, w_sgd, m_adam, gaps = SGD(velocity_rate, momentum=beta_1), np.array([0.0]), 0.0, []
for g in gradients:
    new = sgd.step(w_sgd, np.array([g]))
    m_adam = beta_1 * m_adam + (1 - beta_1) * g
    gaps.append((new - w_sgd)[0] - (-velocity_rate * m_adam / (1 - beta_1)))  # 05's velocity = the step taken
    w_sgd = new
claim("$m_{\\text{SGD}} = -\\eta\\, m_{\\text{Adam}}/(1-\\beta_1)$", np.allclose(gaps, 0, atol=1e-6),
      f"{max(map(abs, gaps))}")
raw = {}
m = v = 0.0
for t in range(1, 11):
    m, v = 0.9 * m + 0.1 * 0.3, 0.999 * v + 0.001 * 0.09
    raw[t] = m / np.sqrt(v)
claim("without correction the first step is 3.2× too large, the steps grow to 6.5× by step 10",
      round(raw[1], 1) == 3.2 and round(raw[10], 1) == 6.5, f"{raw[1]:.3f}, {raw[10]:.3f}")

steady = {}
for size in (0.3, 300.0):
    adam, w = Adam(learning_rate=0.01), np.array([0.0])
    for _ in range(20):
        w = adam.step(w, np.array([size]))
    steady[size] = w[0]
claim("with a steady gradient Adam's step is about $\\eta$ *whatever the gradient's size*",
      np.isclose(steady[0.3], -0.2, rtol=1e-3), f"20 steps of rate 0.01 with a gradient of 0.3: {steady[0.3]}")
claim("a gradient 1000 times larger gives the same steps", np.isclose(steady[0.3], steady[300.0], rtol=1e-5),
      f"{steady}")
adam, w, shrinking = Adam(learning_rate=1.0), np.array([0.0]), []
for g in [1.0] * 200 + [0.1] * 50:
    new = adam.step(w, np.array([g]))
    shrinking.append(abs(new - w)[0])
    w = new
claim("where the gradient shrinks, the step shrinks with it", shrinking[199] > 0.99 and shrinking[-1] < 0.15,
      f"step/eta {shrinking[199]:.3f} with the gradient 1, {shrinking[-1]:.3f} after 50 steps of 0.1")

# §4 Keras = from scratch; epsilon
for ours_class, theirs_class in [(RMSprop, keras.optimizers.RMSprop), (Adam, keras.optimizers.Adam)]:
    ours, theirs = ours_class(learning_rate=0.01), theirs_class(learning_rate=0.01)
    point, variable = np.array([-1.5, 2.0], dtype="float32"), keras.Variable(np.array([-1.5, 2.0], dtype="float32"))
    for _ in range(100):
        point = ours.step(point, rosenbrock.gradient(point).astype("float32"))
        theirs.apply_gradients([(tf.constant(rosenbrock.gradient(variable.numpy()).astype("float32")), variable)])
    claim("The two agree exactly.", np.array_equal(point, variable.numpy()), ours_class.__name__)
algorithm_1_eps = eps / np.sqrt(1 - 0.999)
claim("acts as an $\\epsilon = \\hat\\epsilon/\\sqrt{1 - \\beta_2^t}$ added to $\\sqrt{\\hat v}$: 31.6× larger at step 1",
      np.isclose(keras_step, m_hat / (np.sqrt(v_hat) + algorithm_1_eps), rtol=1e-4)
      and round(1 / np.sqrt(1 - 0.999), 1) == 31.6, f"{keras_step} vs {m_hat / (np.sqrt(v_hat) + algorithm_1_eps)}")
claim("exactly as TensorFlow's own RMSProp kernel", np.isclose(rms_tensorflow, rms_keras, rtol=1e-12),
      f"{rms_tensorflow} vs {rms_keras}")
tiny_step = -RMSprop(learning_rate=1.0).step(np.array([0.0]), np.array([1e-12]))[0] / 1e-12
claim("the largest effective rate is $\\eta/\\sqrt{\\epsilon}$ (about 3162 $\\eta$ for 1e-7)", round(tiny_step) == 3162,
      f"{tiny_step:.1f}")
claim("with tiny gradients (or a large $\\epsilon$, as some recipes use) the steps differ",
      paper_step > 10 * keras_step and rms_torch > 1000 * rms_keras,
      f"{keras_step}, {paper_step}; {rms_keras}, {rms_torch}")
claim("at every step each weight also shrinks by $\\eta\\lambda w$, outside $m$ and $v$",
      np.isclose(decayed.numpy()[0], 1 - 0.1 * 0.004, rtol=1e-6),
      f"AdamW at rate 0.1 with a zero gradient (m = v = 0, no Adam step): 1.0 -> {decayed.numpy()[0]}")
claim("In Keras 3 every optimizer takes this `weight_decay=`",
      all("weight_decay" in getattr(keras.optimizers, name)(weight_decay=0.01).get_config()
          for name in ["SGD", "RMSprop", "Adam", "Nadam", "Adagrad"]), "weight_decay in each optimizer's config")
claim("`AdamW` is `Adam` with `weight_decay=0.004` by default",
      same and keras.optimizers.AdamW().get_config()["weight_decay"] == 0.004, f"{twin_weights}")
claim("Keras 3 ignores `decay=` with a warning, so old code trains with neither",
      "ignored" in legacy_warning and legacy.weight_decay is None
      and isinstance(legacy.get_config()["learning_rate"], float), f"{legacy_warning!r}, {legacy.get_config()}")
claim("`keras.optimizers.Nadam` is Adam with Nesterov momentum",
      "Nadam is Adam with Nesterov momentum" in " ".join(keras.optimizers.Nadam.__doc__.split()), "Keras's docstring")
adamw_config, adam_config = keras.optimizers.AdamW().get_config(), keras.optimizers.Adam().get_config()
claim("`AdamW` is Adam with decoupled weight decay (`weight_decay=0.004`", adamw_config["weight_decay"] == 0.004,
      f"{adamw_config}")
claim("Keras defaults: 0.001, 0.9, 0.999, $\\epsilon$ = 1e-7",
      np.isclose(adam_config["learning_rate"], 0.001)
      and (adam_config["beta_1"], adam_config["beta_2"], adam_config["epsilon"]) == (0.9, 0.999, 1e-7), f"{adam_config}")

# §5 the sweep
sgd_row, momentum_row, rms_row, adam_row = final
adam_good = rates[good[3]]
claim("Adam reaches a loss below 0.01 over two decades of rates (3e-2 to 3)",
      np.isclose(adam_good.min(), 0.03, rtol=0.1) and np.isclose(adam_good.max(), 3, rtol=0.1)
      and np.all(np.diff(np.flatnonzero(good[3])) == 1), f"{adam_good}")
best_adam = int(np.argmin(adam_row))
claim("its best rate, 1, is inside the grid, with worse results on both sides",
      rates[best_adam] == 1.0 and 0 < best_adam < len(rates) - 1, f"best at {rates[best_adam]}")
claim("Momentum manages it at one rate and plain SGD at none", good[1].sum() == 1 and good[0].sum() == 0, f"{good}")
high = rates >= 3e-3 * 0.99
claim("both diverge at every rate from 3e-3 up",
      np.all(~np.isfinite(final[:2, high])) and np.all(np.isfinite(final[:2, ~high])), f"{final[:2]}")
claim("Adam never diverges in this grid", np.all(np.isfinite(adam_row)), f"{adam_row}")
claim("however large the gradient, its step per coordinate stays within a few $\\eta$ (at rate 1 the largest step is "
      "1.00 $\\eta$, section 6)",
      f"{np.abs(np.diff(adam_run.path, axis=0)).max():.2f}" == "1.00" and moves.max() <= 1.001e-3,
      f"rate 1: {np.abs(np.diff(adam_run.path, axis=0)).max():.4f}; rate 0.001: {moves.max() / 1e-3:.3f} eta")
claim("Chaotic and diverged (×) cells are left white on purpose",
      np.all(np.isnan(shown[~np.isfinite(final) | chaotic])) and np.all(np.isfinite(shown[np.isfinite(final) & ~chaotic])),
      "NaN cells are not coloured")
claim("At a rate of 10, Adam ends no lower than at 1e-4", adam_row[-1] >= adam_row[np.isclose(rates, 1e-4)][0],
      f"{adam_row[-1]:.2f} vs {adam_row[np.isclose(rates, 1e-4)][0]:.2f}")
claim("the *default* 0.001 ends at 5.7", f"{adam_row[np.isclose(rates, 1e-3)][0]:.1f}" == "5.7"
      and np.isclose(default_run.final_loss, adam_row[np.isclose(rates, 1e-3)][0], rtol=1e-6), f"{adam_row}")
claim("its steps are far shorter than $\\eta$", np.all(moves.mean(axis=0) < 0.25e-3), f"{moves.mean(axis=0)}")
claim("the start lies on the valley's steep wall (a gradient of 155 in $x$)",
      round(first_gradient[0]) == 155 and first_gradient[0] > 100 * last_gradient[0] / 2, f"{first_gradient}")
v_default = np.zeros(2)
for t, g in enumerate(rosenbrock.gradient(default_run.path[:-1]), start=1):
    v_default = 0.999 * v_default + 0.001 * g**2
remembered = np.sqrt(v_default / (1 - 0.999**t))
claim("on the valley's floor the gradient is about 1, but $\\hat v$, with its memory of 1000 steps, still remembers "
      "the wall", np.all((0.5 < last_gradient) & (last_gradient < 2)) and np.all(remembered > 4 * last_gradient),
      f"last gradient {last_gradient}, sqrt(v hat) {remembered}")
claim("The mean step is 0.11 $\\eta$ in $x$ and 0.18 $\\eta$ in $y$, and the whole path is 0.22 long",
      [f"{m / 1e-3:.2f}" for m in moves.mean(axis=0)] == ["0.11", "0.18"] and f"{np.hypot(*moves.T).sum():.2f}" == "0.22",
      f"{moves.mean(axis=0) / 1e-3}, {np.hypot(*moves.T).sum()}")
claim("the valley's floor from $x = -1.5$ to the minimum is 4.3 long", f"{floor_length:.1f}" == "4.3", f"{floor_length}")
longer_run = descend(rosenbrock, [-1.5, 2.0], 10_000, Adam(learning_rate=1e-3).step)
claim("Where the good band lies depends on the problem's scale, and on the number of steps",
      longer_run.final_loss < 1e-3 < default_run.final_loss, f"Adam at 0.001, 10 000 steps: {longer_run.final_loss:.1e}")
claim("RMSprop never gets below 0.01", np.all(rms_row[~chaotic[2]] >= 1e-2), f"{rms_row}")
claim("at rates of 0.3 to 3 it bounces chaotically",
      np.allclose(rates[chaotic[2]], [0.3162, 1.0, 3.162], rtol=1e-3) and not chaotic[[0, 1, 3]].any(), f"{chaotic}")
claim("before diverging at 10", not np.isfinite(rms_row[-1]) and np.all(np.isfinite(rms_row[:-1])), f"{rms_row}")
claim("A longer memory does not rescue it on this valley",
      all(ends[~wild].min() > 1e-2 for ends, wild in longer_memory.values()), "rho 0.99 and 0.999")

# §6 the valley
valley = {label.split(",")[0]: run for label, run in valley_runs.items()}
claim("the loss jumps from 12.5 to 758 in one step",
      round(adam_run.losses[0], 1) == 12.5 and round(adam_run.losses[1]) == 758, f"{adam_run.losses[:2]}")
claim("each first step is about $\\eta = 1$ long in each coordinate",
      np.allclose(np.abs(adam_run.path[1] - adam_run.path[0]), 1, rtol=1e-3), f"{adam_run.path[:2]}")
claim("only from step 27 on does its loss stay below where it started", settled == 27, f"{settled}")
claim("it runs down the valley's floor fastest of all",
      all(valley["Adam"].final_loss < run.final_loss for name, run in valley.items() if name != "Adam"),
      f"{ {name: run.final_loss for name, run in valley.items()} }")
claim("Momentum comes second (5.7e-5)",
      sorted(valley, key=lambda name: valley[name].final_loss)[1] == "momentum"
      and f"{valley['momentum'].final_loss:.1e}" == "5.7e-05", f"{valley['momentum'].final_loss:.2e}")
claim("RMSprop at 0.01 ends far behind, and SGD is still far up the valley",
      valley["RMSprop"].final_loss > 100 * valley["momentum"].final_loss and valley["SGD"].final_loss > 1
      and valley["SGD"].final_point[0] < 0, f"{valley['SGD'].final_point}")

# §7 the recurrent network
claim("for 8 epochs of 16 mini-batches: 128 updates, a short budget, and every \"best rate\" below is the best for "
      "that budget", all(int(train.optimizer.iterations) == 128 for train in trainers.values()),
      f"{ {name: int(train.optimizer.iterations) for name, train in trainers.items()} }")
claim("Each optimizer gets one compiled model, reused for all its rates",
      all(train.traces == 1 for train in trainers.values()), f"{ {name: t.traces for name, t in trainers.items()} }")
again = trainers["SGD"](0.01)["losses"]
claim("Every run below trains the same network from the same initial weights on the same mini-batches",
      again == rnn_runs["SGD", 0.01]["losses"], "a rerun of SGD at 0.01 gives the same losses to the last bit")
claim("SGD is caught between rates that learn slowly and 0.1",
      final_loss("SGD", 0.001) > 3 and min(rnn_rates, key=lambda rate: final_loss("SGD", rate)) == 0.01,
      f"{[final_loss('SGD', rate) for rate in rnn_rates]}")
sgd_01 = rnn_runs["SGD", 0.1]
claim("0.1, which ends no better than predicting the mean", sgd_01["losses"][-1] > 0.9 * mean_loss, f"{sgd_01}")
claim("Replay the first epoch of the run at 0.1 step by step",
      abs(replay_loss - sgd_01["losses"][0]) < 1e-3 * sgd_01["losses"][0], f"{replay_loss} vs {sgd_01['losses'][0]}")
claim("the gradient norm stays between about 1.5 and 7 for eleven steps",
      big == 11 and 1.5 < norms[:big].min() and norms[:big].max() < 7, f"{norms}")
claim("then jumps to 52 at step 12, 19 times the first",
      f"{norms[big]:.0f}" == "52" and f"{norms[big] / norms[0]:.0f}" == "19",
      f"{norms[big]:.1f}, x{norms[big] / norms[0]:.2f}")
claim("1 % of the hidden values sit at $|h| > 0.99$ (where tanh passes almost no gradient) before step 12, 48 % right "
      "after it", f"{saturated[big]:.0%}" == "1%" and f"{saturated[big + 1]:.0%}" == "48%", f"{saturated}")
claim("at the starting weights the same batch gives a norm of 3.5",
      f"{same_batch:.1f}" == "3.5" and same_batch < norms[:big].max(), f"{same_batch:.2f}")
claim("on all 512 sequences the gradient norm is 14.5 there, against 1.6 at the start",
      f"{everywhere[big]:.1f}" == "14.5" and f"{everywhere[0]:.1f}" == "1.6", f"{everywhere}")
claim("in the eleven ordinary steps above, 27 of the 55 tensors' gradients have a norm above 1",
      np.sum(tensor_norms[:big] > 1) == 27 and tensor_norms[:big].size == 55, f"{tensor_norms[:big].round(2)}")
clip_test = [keras.Variable([0.0, 0.0]), keras.Variable([0.0])]
keras.optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply([tf.constant([1.2, 1.6]), tf.constant([0.5])], clip_test)
claim("`clipnorm=1.0` rescales the gradient of each weight *tensor*",
      np.allclose(clip_test[0].numpy(), [-0.6, -0.8]) and np.allclose(clip_test[1].numpy(), [-0.5]),
      "a tensor's gradient of norm 2 is rescaled to norm 1, another's of norm 0.5 is left alone")
claim("the step it causes (lr × norm), about 5 long", f"{0.1 * norms[big]:.0f}" == "5", f"{0.1 * norms[big]:.2f}")
claim("the run never recovers", min(sgd_01["losses"][1:]) > 0.9 * mean_loss, f"{sgd_01['losses']}")
clipped = rnn_runs["SGD, clipnorm = 1", 0.1]
claim("With `clipnorm=1.0`, SGD at 0.1 no longer saturates and ends far below the mean's loss",
      clipped["saturation"] < 0.01 and clipped["losses"][-1] < 0.3 * mean_loss, f"{clipped}")
sgd_ends = chaos_ends["SGD", 0.01, 0]  # unclipped SGD's best run is chaotic: all three ends, not one
claim("clipped SGD at its best rate (0.03) beats unclipped SGD at every rate",
      best_rnn["SGD, clipnorm = 1"] == 0.03
      and final_loss("SGD, clipnorm = 1", 0.03) < min(final_loss("SGD", rate) for rate in rnn_rates)
      and final_loss("SGD, clipnorm = 1", 0.03) < min(sgd_ends), f"{best_rnn}; SGD at 0.01 nudged: {sgd_ends}")
adaptive = [name for name in rnn_names if not name.startswith("SGD")]
claim("It is not free: it shortens ordinary steps too, and at 0.001 clipped SGD ends higher than unclipped SGD (4.7 "
      "against 4.1)", final_loss("SGD, clipnorm = 1", 0.001) > final_loss("SGD", 0.001)
      and f"{final_loss('SGD, clipnorm = 1', 0.001):.1f}" == "4.7" and f"{final_loss('SGD', 0.001):.1f}" == "4.1",
      f"{final_loss('SGD, clipnorm = 1', 0.001)}, {final_loss('SGD', 0.001)}")
claim("At their best rates, the adaptive methods need no clipping here**: none saturates, and each beats unclipped SGD "
      "at every rate",
      all(rnn_runs[name, best_rnn[name]]["saturation"] == 0
          and final_loss(name, best_rnn[name]) < min([final_loss("SGD", rate) for rate in rnn_rates] + sgd_ends)
          for name in adaptive),
      "at its best rate each adaptive optimizer beats unclipped SGD's best, with no saturation")
caps = {}
for rho in (0.9, 0.99):
    rmsprop, w = RMSprop(learning_rate=1.0, rho=rho), np.array([0.0])
    for _ in range(200):
        w = rmsprop.step(w, np.array([1e-3]))
    caps[rho] = abs(rmsprop.step(w, np.array([1e3])) - w)[0]  # a huge gradient after small ones
adam, w = Adam(learning_rate=1.0), np.array([0.0])
for _ in range(5000):
    w = adam.step(w, np.array([1e-3]))
caps["Adam"] = abs(adam.step(w, np.array([1e3])) - w)[0]
claim("caps each weight's step at a few $\\eta$ whatever the gradient ($\\eta/\\sqrt{1-\\rho}$ for RMSprop: 3.2 $\\eta$ at "
      "the default `rho`, 10 $\\eta$ at 0.99; a few $\\eta$ for Adam, the paper's estimate being "
      "$(1-\\beta_1)/\\sqrt{1-\\beta_2} \\approx 3.2\\,\\eta$)",
      all(0.99 / np.sqrt(1 - rho) < caps[rho] <= 1 / np.sqrt(1 - rho) for rho in (0.9, 0.99))
      and f"{caps[0.9]:.1f}" == "3.2" and round(caps[0.99]) == 10 and 2.5 < caps["Adam"] < 3.2
      and f"{(1 - 0.9) / np.sqrt(1 - 0.999):.1f}" == "3.2", f"{caps}")
claim("at 0.1 every adaptive run fails as unclipped SGD does (a fifth or more of the hidden values saturated, none "
      "at the best rates)",
      all(run_failed(name, 0.1) for name in adaptive + ["SGD"]) and min(failed_shares) > 0.2
      and all(rnn_runs[name, best_rnn[name]]["saturation"] == 0 for name in rnn_names),
      f"{ {name: (final_loss(name, 0.1), rnn_runs[name, 0.1]['saturation']) for name in rnn_names} }")
claim("RMSprop with `rho` = 0.99 fails already at 0.03", run_failed("RMSprop, rho = 0.99", 0.03),
      f"{rnn_runs['RMSprop, rho = 0.99', 0.03]}")
claim("Clipped SGD at 0.1 does not", not run_failed("SGD, clipnorm = 1", 0.1), f"{rnn_runs['SGD, clipnorm = 1', 0.1]}")
claim("Clipping does not rescue the adaptive methods", run_failed("Adam, clipnorm = 1", 0.1),
      f"{rnn_runs['Adam, clipnorm = 1', 0.1]}")
scaled_steps = {}
for shrink in (1.0, 50.0):  # the same gradients, and the same gradients clipped to 1/50 of their size
    adam, w, taken = Adam(learning_rate=0.1), np.array([0.0]), []
    for g in np.random.default_rng(1).normal(3.0, 2.0, size=30):
        new = adam.step(w, np.array([g / shrink]))
        taken.append(new - w)
        w = new
    scaled_steps[shrink] = np.array(taken)
claim("their step is set by $\\eta$, not by the gradient's size, since $\\sqrt v$ is built from the same clipped gradients",
      np.allclose(scaled_steps[1.0], scaled_steps[50.0], rtol=1e-4), "Adam's steps for gradients g and g/50 agree")
claim("(with `clipnorm=1`, Adam at 0.1 still fails the same way). Above its best rate, lower the rate.",
      run_failed("Adam, clipnorm = 1", 0.1) and not run_failed("Adam", best_rnn["Adam"]),
      f"clipped at 0.1: {rnn_runs['Adam, clipnorm = 1', 0.1]}; unclipped at {best_rnn['Adam']}")
others_best = {name: final_loss(name, best_rnn[name]) for name in rnn_names if name != "SGD"}
claim("Adam at its own best rate ends lowest, and unclipped SGD last",
      ranking[0] == "Adam" and ranking[-1] == "SGD" and min(sgd_ends) > max(others_best.values()),
      f"{ranking}; SGD at 0.01 nudged: {sgd_ends}; the others {others_best}")
claim("so only its first digit means anything: it ends at about 1",
      all(0.5 <= end < 1.5 for end in sgd_ends) and is_chaotic("SGD", 0.01), f"{sgd_ends}")
claim("with the second seed (other initial weights, other batch order) unclipped SGD is the only one to end "
      "above a loss of 1", [name for name in rnn_names if check_seed[name] > 1] == ["SGD"], f"{check_seed}")
clip_best = final_loss("SGD, clipnorm = 1", 0.03)
rms_names = [name for name in rnn_names if name.startswith("RMSprop")]
rms_best = {name: final_loss(name, best_rnn[name]) for name in rms_names}
claim("Clipped SGD and RMSprop are close: clipped SGD ends between RMSprop with `rho` = 0.99 and the other two",
      best_rnn["SGD, clipnorm = 1"] == 0.03 and rms_best["RMSprop, rho = 0.99"] < clip_best
      < min(loss for name, loss in rms_best.items() if name != "RMSprop, rho = 0.99")
      and max(rms_best.values()) < 1.2 * clip_best, f"clipped SGD {clip_best:.3f}, RMSprop {rms_best}")
claim("With seed 0, Adam beats every RMSprop and clipped SGD beats two of them",
      final_loss("Adam", best_rnn["Adam"]) < min(rms_best.values())
      and sum(loss > clip_best for loss in rms_best.values()) == 2, f"{rms_best}")
adam_ends = chaos_ends["Adam", 0.03, 1]
claim("With seed 1, Adam's best rate is chaotic: it ends between 0.5 and 1, among the RMSprops, so one short run "
      "cannot rank them",
      best_rnn["Adam"] == 0.03 and is_chaotic("Adam", 0.03, seed=1) and all(0.5 < end < 1 for end in adam_ends)
      and all(0.5 < check_seed[name] < 1 for name in rms_names), f"Adam {adam_ends}; {check_seed}")
claim("`rho` = 0.99 is ahead of the default with seed 0 and behind it with seed 1",
      not any(is_chaotic(name, best_rnn[name], seed=1) for name in rms_names), f"{chaos}")
settled = [name for name in rnn_names if name != "SGD"]
claim("a run there can be chaotic: unclipped SGD's at 0.01, and Adam's at 0.03 with the second seed",
      best_rnn["SGD"] == 0.01 and is_chaotic("SGD", 0.01) and best_rnn["Adam"] == 0.03
      and is_chaotic("Adam", 0.03, seed=1) and not any(is_chaotic(name, best_rnn[name]) for name in settled),
      f"{chaos}")
claim("Its best rate, 0.01, already sits at the edge: that run is *chaotic*. A rate one part in a million larger or "
      "smaller ends more than 0.1 % elsewhere", best_rnn["SGD"] == 0.01 and is_chaotic("SGD", 0.01), f"{chaos}")
default, long_rho, short_rho = "RMSprop, rho = 0.9 (default)", "RMSprop, rho = 0.99", "RMSprop, rho = 0.5"
claim("RMSprop's default rate 0.001 gives 2.5, its best rate 0.01 gives 0.68",
      f"{final_loss(default, 0.001):.1f}" == "2.5" and best_rnn[default] == 0.01
      and f"{final_loss(default, 0.01):.2f}" == "0.68", f"{[final_loss(default, rate) for rate in rnn_rates]}")
claim("at 0.003: 0.93, 0.81 and 0.56 for `rho` = 0.5, 0.9, 0.99",
      [f"{final_loss(name, 0.003):.2f}" for name in (short_rho, default, long_rho)] == ["0.93", "0.81", "0.56"],
      f"{[final_loss(name, 0.003) for name in (short_rho, default, long_rho)]}")
claim("a longer memory prefers a smaller rate", best_rnn[long_rho] < best_rnn[default], f"{best_rnn}")
claim("`rho` = 0.99 is ahead of the default with seed 0 and behind it with seed 1",
      final_loss(long_rho, best_rnn[long_rho]) < final_loss(default, best_rnn[default])
      and check_seed[long_rho] > check_seed[default], f"seed 0 and 1: {check_seed}")
best_by_rho = [final_loss(name, best_rnn[name]) for name in rms_names]
claim("the rate matters most",
      final_loss(default, 0.001) / final_loss(default, 0.01) > 2 * max(best_by_rho) / min(best_by_rho),
      f"rate: x{final_loss(default, 0.001) / final_loss(default, 0.01):.1f}; "
      f"rho at best rates: x{max(best_by_rho) / min(best_by_rho):.2f}")
claim("Adam's suggested 0.001 is too small for this budget** (2.6 after 128 updates, against 0.31 at 0.03)",
      best_rnn["Adam"] == 0.03 and f"{final_loss('Adam', 0.001):.1f}" == "2.6"
      and f"{final_loss('Adam', 0.03):.2f}" == "0.31", f"{[final_loss('Adam', rate) for rate in rnn_rates]}")
claim("Every best rate here belongs to this budget of 128 updates",
      all(int(train.optimizer.iterations) == 128 for train in trainers.values()), "8 epochs of 16 updates")
claim("the effective rate can grow far above $\\eta$", flat.max() > 10 * 0.05, f"{flat.max():.2f}")
claim("postpones it (section 2: `rho` = 0.99 jitters again by step 1000)",
      at["RMSprop, rho = 0.99"][0] < 1e-10 and 1e-2 < at["RMSprop, rho = 0.99"][1] < 1e-1, f"{at['RMSprop, rho = 0.99']}")
claim("in half-decade steps (3e-2 means $10^{-1.5} \\approx 0.032$)",
      np.allclose(np.diff(np.log10(rates)), 0.5) and f"{rates[7]:.0e}" == "3e-02" and f"{rates[7]:.2g}" == "0.032",
      f"{rates}")
