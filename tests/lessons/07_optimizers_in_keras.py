"""Claims of 07 · Optimizers in Keras: each conclusion of the prose, held by the notebook's own variables.

The Keras facts are re-run here on small objects (warnings, errors, identities); the capstone's conclusions are
read from the notebook's ``results``, ``bests``, ``higher``, ``sooner`` and ``runs``.
"""

import inspect
import math
import time
import warnings

import keras
import numpy as np
import tensorflow as tf

from course_utils import digits
from course_utils.data import batches


def raises(call, kind):
    try:
        call()
    except kind:
        return True
    return False


# the data
claim("about as many of each digit", counts.max() / counts.min() < 1.1 and counts.sum() == 1797, counts.tolist())
claim("The first training image of each digit",
      [int(y_train[i]) for i in firsts] == list(range(10))
      and all(not np.any(y_train[:i] == y_train[i]) for i in firsts))

# §1 a string or an object
claim("The rate prints as 0.0010000000474974513 because Keras keeps it in a float32 variable, and 0.001 has no exact "
      "float32 value: that is the nearest one",
      config["learning_rate"] == float(np.float32(0.001)) == 0.0010000000474974513 and config["learning_rate"] != 0.001
      and keras.optimizers.Adam().learning_rate.dtype == "float32")
claim("case does not matter",
      all(type(keras.optimizers.get(name)) is keras.optimizers.Adam for name in ("ADAM", "adam")))
from keras.src.optimizers import ALL_OBJECTS_DICT  # noqa: E402  (the table of names that get() looks up)

claim("`get('lamb')` fails, because Lamb is missing from the table of names that `get` looks up",
      "lamb" in refused and refused["lamb"].startswith("ValueError") and hasattr(keras.optimizers, "Lamb")
      and "lamb" not in ALL_OBJECTS_DICT, refused.get("lamb"))
lamb_model = digits.build_model()
lamb_model.compile(optimizer=keras.optimizers.Lamb(), loss="sparse_categorical_crossentropy")
claim("Create it as an object, `keras.optimizers.Lamb()`", type(lamb_model.optimizer) is keras.optimizers.Lamb)
claim("`LossScaleOptimizer` and `MultiOptimizer` need other optimizers inside them",
      set(refused) == {"lamb", "lossscaleoptimizer", "multioptimizer"}
      and "inner_optimizer" in refused["lossscaleoptimizer"] and "optimizer_map" in refused["multioptimizer"], refused)
article = tf.keras.optimizers.Adam(learning_rate=0.001)
claim("`tf.keras.optimizers.Adam` is the very class `keras.optimizers.Adam`",
      tf.keras.optimizers.Adam is keras.optimizers.Adam and type(article) is keras.optimizers.Adam
      and math.isclose(float(article.learning_rate), 0.001, rel_tol=1e-6))
dict_model = digits.build_model()
dict_model.compile(optimizer={"class_name": "adam", "config": {"learning_rate": 0.003}}, loss="mse")
claim("A config dict is a third way",
      type(dict_model.optimizer) is keras.optimizers.Adam
      and math.isclose(float(dict_model.optimizer.learning_rate), 0.003, rel_tol=1e-6))
signature = inspect.signature(keras.Model.compile).parameters
claim("`compile(optimizer='rmsprop', loss=None, ...)`",
      signature["optimizer"].default == "rmsprop" and signature["loss"].default is None
      and list(signature)[1:3] == ["optimizer", "loss"])
default_model = digits.build_model()
default_model.compile(loss="sparse_categorical_crossentropy")
claim("Without an optimizer, `compile` uses RMSprop", type(default_model.optimizer) is keras.optimizers.RMSprop)
no_loss = digits.build_model()
no_loss.compile(optimizer="adam")
try:
    no_loss.fit(x_train[:64], y_train[:64], epochs=1, verbose=0)
    needs_loss = False
except ValueError as error:
    needs_loss = "No loss" in str(error)
claim("The loss, however, is needed to train this model", needs_loss)


# §2 legacy code
def warnings_of(**arguments):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizer = keras.optimizers.SGD(learning_rate=0.1, **arguments)
    return [w.category for w in caught], optimizer


def steps(optimizer, gradient, count=3):
    w = keras.Variable(1.0)
    for _ in range(count):
        optimizer.apply_gradients([(tf.constant(gradient), w)])
    return float(w.numpy())


categories, decayed = warnings_of(decay=0.5)
claim("accepted with a `UserWarning` and then *ignored*",
      categories == [UserWarning] and steps(decayed, 1.0) == steps(keras.optimizers.SGD(learning_rate=0.1), 1.0),
      "SGD(0.1, decay=0.5) takes the same three steps as SGD(0.1)")
claim("even `decay=0.0` warns; only `decay=None` is silent",
      warnings_of(decay=0.0)[0] == [UserWarning] and warnings_of(decay=None)[0] == [])
claim("even `decay=0.0` warns", warnings_of(decay=0.0)[0] == [UserWarning])
claim("`learning_rate=1` and `momentum=1` are refused because they are ints (write `1.0`)",
      raises(lambda: keras.optimizers.SGD(learning_rate=1), ValueError)
      and raises(lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=1), ValueError)
      and float(keras.optimizers.SGD(learning_rate=1.0).learning_rate) == 1.0
      and keras.optimizers.SGD(learning_rate=0.1, momentum=1.0).momentum == 1.0)
try:
    keras.optimizers.SGD(learning_rate=np.float32(0.01))
    float32_message = ""
except ValueError as error:
    float32_message = str(error)
claim("and so is a NumPy float32 rate, `np.float32(0.01)`", "should be float" in float32_message, float32_message)
claim("with a message that shows a float", "Received instead: learning_rate=0.0099999" in float32_message)
claim("NumPy's float64 passes",
      math.isclose(float(keras.optimizers.SGD(learning_rate=np.float64(0.01)).learning_rate), 0.01, rel_tol=1e-6)
      and raises(lambda: keras.optimizers.Adam(learning_rate=np.float32(0.01)), ValueError))
claim("The check is on the type, not the value: `SGD(momentum=1.0)` is accepted, and its velocity never forgets a "
      "gradient", math.isclose(float(w.numpy()), -0.5, rel_tol=1e-6),
      f"one gradient of 1, then four of 0: w = {float(w.numpy())}")
claim("`learning_rate=1` and `learning_rate=np.float32(0.01)` raise a `ValueError`; write `1.0` and `float(rate)`",
      raises(lambda: keras.optimizers.SGD(learning_rate=1), ValueError)
      and raises(lambda: keras.optimizers.SGD(learning_rate=np.float32(0.01)), ValueError)
      and math.isclose(float(keras.optimizers.SGD(learning_rate=float(np.float32(0.01))).learning_rate), 0.01,
                       rel_tol=1e-6))
decoupled = keras.optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
moved = steps(decoupled, 0.0, count=1)
doubled = steps(keras.optimizers.SGD(learning_rate=0.2, weight_decay=0.5), 0.0, count=1)
claim("at every step it shrinks the *weights* towards zero by the fraction `learning_rate × weight_decay`, whatever "
      "the gradient", math.isclose(moved, 1 - 0.1 * 0.5, rel_tol=1e-6) and math.isclose(doubled, 1 - 0.2 * 0.5, rel_tol=1e-6),
      f"w = 1 with a zero gradient becomes {moved} at rate 0.1, {doubled} at rate 0.2 (weight_decay 0.5)")
halving = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5), weight_decay=0.5)
scheduled_w = steps(halving, 0.0, count=2)
claim("The learning rate stays as it was, but the shrinking follows it: a smaller rate, or a schedule, shrinks the "
      "weights less",
      math.isclose(float(decoupled.learning_rate), 0.1, rel_tol=1e-6)
      and math.isclose(scheduled_w, (1 - 0.1 * 0.5) * (1 - 0.05 * 0.5), rel_tol=1e-6),
      f"rates 0.1 then 0.05 (a schedule): w = {scheduled_w}")
claim("that shrinks the weights; the rate stays constant",
      moved < 1.0 and math.isclose(float(decoupled.learning_rate), 0.1, rel_tol=1e-6))

# §3 changing the rate
schedule_optimizer = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.5))
claim("an optimizer built with a schedule (2) has no such variable",
      not isinstance(schedule_optimizer.learning_rate, keras.Variable)
      and not any("learning_rate" in v.name for v in schedule_optimizer.variables))
expected, rate = [], 0.01
for epoch in range(6):
    rate = halve_every_two_epochs(epoch, rate)
    expected.append(rate)
claim("`LearningRateScheduler` follows its function exactly",
      np.allclose(history.history["learning_rate"], expected, rtol=1e-6), history.history["learning_rate"])
probe = keras.callbacks.ReduceLROnPlateau(min_delta=0.05, mode="min")
probe._set_monitor_op()
claim("`factor=0.1` after `patience=10` epochs in which the monitored value (`val_loss`) did not improve by at "
      "least `min_delta=0.0001`, an absolute amount",
      (defaults.factor, defaults.patience, defaults.min_delta, defaults.monitor) == (0.1, 10, 1e-4, "val_loss")
      and bool(probe._is_improvement(0.449, 0.5)) and not bool(probe._is_improvement(99.96, 100.0)),
      "with min_delta 0.05: 0.5 -> 0.449 improves, 100 -> 99.96 does not (absolute, not relative)")
best_epoch = int(np.argmin(plateau_losses[:10]))
first_cut = next(i for i, r in enumerate(plateau_rates) if r != plateau_rates[0])
arrays_model = digits.build_model()
arrays_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
pipeline = batches(x_train, y_train, batch_size=64)
arrays_model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)  # the traces, before the clocks start
arrays_model.fit(pipeline, epochs=1, shuffle=False, verbose=0)
seconds = {}
for source in ("arrays", "pipeline") * 3:  # the fastest of three: other work on the machine only slows a run
    start_time = time.perf_counter()
    if source == "arrays":
        arrays_model.fit(x_train, y_train, batch_size=64, epochs=8, verbose=0)
    else:
        arrays_model.fit(pipeline, epochs=8, shuffle=False, verbose=0)
    seconds[source] = min(seconds.get(source, math.inf), time.perf_counter() - start_time)
from keras.src.trainers.data_adapters import array_data_adapter  # noqa: E402  (what fit does with arrays)

adapter_calls = []
original_get_tf_dataset = array_data_adapter.ArrayDataAdapter.get_tf_dataset


def counted_get_tf_dataset(self):
    adapter_calls.append(1)
    return original_get_tf_dataset(self)


array_data_adapter.ArrayDataAdapter.get_tf_dataset = counted_get_tf_dataset
try:
    arrays_model.fit(x_train, y_train, batch_size=64, epochs=3, verbose=0)
finally:
    array_data_adapter.ArrayDataAdapter.get_tf_dataset = original_get_tf_dataset
adapter_dataset = array_data_adapter.ArrayDataAdapter(x_train, y_train, batch_size=64, shuffle=True).get_tf_dataset()
adapter_orders = [np.concatenate([labels.numpy() for _, labels in adapter_dataset]) for _ in range(2)]
adapter_source = inspect.getsource(array_data_adapter.ArrayDataAdapter.get_tf_dataset)
claim("from arrays, `fit` builds a pipeline of its own, once per call, that every epoch permutes the indices and "
      "gathers each batch from the whole arrays",
      len(adapter_calls) == 1 and "tf.random.shuffle(indices)" in adapter_source
      and "tf.gather(x, i, axis=0)" in adapter_source and not np.array_equal(adapter_orders[0], y_train),
      f"pipelines built by a 3-epoch fit from arrays: {len(adapter_calls)}")
claim("once a seed is set, as `setup` does, with the same permutation every epoch", np.array_equal(*adapter_orders))
claim("which slows a model this small down", seconds["arrays"] > 1.1 * seconds["pipeline"], seconds)
first_orders = [np.concatenate([labels.numpy() for _, labels in pipeline]) for _ in range(2)]
claim("`batches` reshuffles its pipeline every epoch by itself", not np.array_equal(*first_orders))
shuffle_start = arrays_model.get_weights()


def one_epoch(data, shuffle, labels=None):
    """The weights after one epoch from shuffle_start (SGD without momentum: no optimizer state to reset)."""
    arrays_model.set_weights(shuffle_start)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        arrays_model.fit(data, labels, batch_size=None if labels is None else 64, epochs=1, shuffle=shuffle,
                         verbose=0)
    return arrays_model.get_weights(), [str(w.message) for w in caught]


same_order = batches(x_train, y_train, batch_size=64, shuffle=False)
(pipeline_true, shuffle_warnings), (pipeline_false, quiet) = one_epoch(same_order, True), one_epoch(same_order, False)
(arrays_true, _), (arrays_false, _) = one_epoch(x_train, True, y_train), one_epoch(x_train, False, y_train)
claim("`fit`'s `shuffle` applies only to arrays: with a pipeline it is ignored (and warns if `True`)",
      all(np.array_equal(a, b) for a, b in zip(pipeline_true, pipeline_false))
      and not all(np.array_equal(a, b) for a, b in zip(arrays_true, arrays_false))
      and any("`shuffle=True` was passed, but will be ignored" in m for m in shuffle_warnings) and not quiet,
      shuffle_warnings)
claim("the validation loss was lowest at epoch 8", best_epoch == 7 and all(r == 0.5 for r in plateau_rates[:10]),
      f"lowest at epoch {best_epoch + 1}")
claim("after two epochs without improvement (`patience=2`) the rate was halved",
      first_cut == best_epoch + 3 and math.isclose(plateau_rates[first_cut], plateau_rates[0] / 2),
      f"first epoch at the new rate: {first_cut + 1}")
claim("The control run is the same up to epoch 10", plateau_losses[:first_cut] == control_losses[:first_cut])
claim("without any cut its validation loss also fell below the earlier best at epoch 11: that fall would have come "
      "anyway", control_losses[10] < min(control_losses[:10]) and plateau_losses[10] < min(plateau_losses[:10]),
      f"{control_losses[10]:.3f} without, {plateau_losses[10]:.3f} with the callback; best before {min(control_losses[:10]):.3f}")
claim("After the cut the loss was steadier (its highest over epochs 11–14: 0.094 with the callback, 0.130 without)",
      (round(max(plateau_losses[10:]), 3), round(max(control_losses[10:]), 3)) == (0.094, 0.130)
      and np.std(plateau_losses[10:]) < np.std(control_losses[10:]))
claim("but it ended no lower", plateau_losses[-1] >= control_losses[-1], (plateau_losses[-1], control_losses[-1]))
claim("the cut made after epoch 10 shows from epoch 11 on", first_cut == 10)


def plateau_with_schedule():
    model = digits.build_model()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.5)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="sparse_categorical_crossentropy")
    callback = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=1)
    callback.set_model(model)
    callback.on_train_begin()
    callback.on_epoch_end(0, {"loss": 0.5})
    callback.on_epoch_end(1, {"loss": 0.5})


claim("assigning fails, and both callbacks raise when they try to set the rate",
      raises(lambda: schedule_optimizer.learning_rate.assign(0.01), AttributeError)
      and raises(plateau_with_schedule, TypeError))
claim("with a schedule the other three raise", raises(plateau_with_schedule, TypeError))
claim("The setter, `optimizer.learning_rate = schedule`, does accept a schedule",
      isinstance(plateau_model.optimizer._learning_rate, keras.optimizers.schedules.LearningRateSchedule))
claim("a model that has already trained ignores it without a word: its traced training step keeps reading the old "
      "rate variable", ignored)
recompiled = not ignored_after_compile and move_new < move_old / 10
claim("until you call `compile` again", recompiled, f"largest weight move {move_old:.3g} at 0.5, "
      f"{move_new:.3g} with the schedule after compile")
claim("a schedule set on a model that has trained waits for `compile`", ignored and recompiled)
claim("`fit` goes on with the old rate, without a word, until you call `compile` again", ignored and recompiled)
claim("it raises; choose one way", raises(plateau_with_schedule, TypeError))

# §4 the loop that fit runs
claim("The step was traced three times for 69 steps",
      train_step.experimental_get_tracing_count() == 3 and math.ceil(len(x_train) / 64) * 3 == 69)
built = keras.optimizers.Adam(learning_rate=0.003)
probe_model = digits.build_model()
built.build(probe_model.trainable_variables)


@tf.function
def probe_step(images, labels):
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, probe_model(images, training=True))
    built.apply_gradients(zip(tape.gradient(loss, probe_model.trainable_variables), probe_model.trainable_variables))
    return loss


probe_step(x_train[:64], y_train[:64])
claim("twice at the first call (the first trace creates Adam's moment variables, and TensorFlow then traces once "
      "more without creating them",
      traced_shapes[:2] == [(64, 64), (64, 64)] and probe_step.experimental_get_tracing_count() == 1,
      "with the optimizer built beforehand, the first call traces once")
claim("once more for the last, shorter batch (1438 = 22 × 64 + 30 images)",
      traced_shapes[2:] == [(30, 64)] and len(x_train) == 1438 == 22 * 64 + 30)
claim("a new input shape means a new trace", len(set(traced_shapes)) == 2 and len(traced_shapes) == 3)
claim("the same 23 every epoch", len(list(fixed_batches)) == 23
      and all(np.array_equal(a[1].numpy(), b[1].numpy()) for a, b in zip(fixed_batches, fixed_batches)))
claim("the next cell builds an optimizer beforehand, and its step is traced once per shape",
      shapes_built_first == [(64, 64), (30, 64)])
claim("With the optimizer built before the first call, the step was traced once for each batch shape, not twice for "
      "the first", shapes_built_first == [(64, 64), (30, 64)] and traced_shapes[:2] == [(64, 64), (64, 64)])
signed = keras.optimizers.Adam(learning_rate=0.003)
signed_model = digits.build_model()
signed.build(signed_model.trainable_variables)


@tf.function(input_signature=[tf.TensorSpec((None, 64), tf.float32), tf.TensorSpec((None,), tf.int64)])
def signed_step(images, labels):
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, signed_model(images, training=True))
    signed.apply_gradients(zip(tape.gradient(loss, signed_model.trainable_variables), signed_model.trainable_variables))
    return loss


clock = []
for images, labels in fixed_batches:
    start_time = time.perf_counter()
    signed_step(images, labels)
    clock.append(time.perf_counter() - start_time)
claim("`@tf.function(input_signature=...)` with `None` as the batch size builds one graph for every batch size",
      signed_step.experimental_get_tracing_count() == 1, signed_step.experimental_get_tracing_count())
claim("Each trace runs the Python code again to build a graph, far slower than a step",
      clock[0] > 10 * np.median(clock[1:]), f"first call {clock[0]:.3f} s, median step {np.median(clock[1:]):.4f} s")
claim("the weights are identical, bit for bit", weight_difference == 0.0, weight_difference)
claim("and so are the epoch losses to the digits printed",
      [round(v, 3) for v in fit_losses] == [round(v, 3) for v in loop_losses])
claim("`fit` runs this loop, and reports as its loss the mean over the epoch's images",
      weight_difference == 0.0 and np.allclose(fit_losses, loop_losses, rtol=1e-6, atol=0))
claim("the hand-written loop reached the same weights, bit for bit", weight_difference == 0.0)
claim("Keras 3 refuses to apply it to a second model's variables",
      raises(lambda: built.apply_gradients(zip([tf.zeros_like(v) for v in other.trainable_variables],
                                               other.trainable_variables)), ValueError))
first_model, second_model = digits.build_model(0), digits.build_model(1)
shared = keras.optimizers.Adam()
first_model.compile(optimizer=shared, loss="sparse_categorical_crossentropy")
first_model.fit(batches(x_train, y_train, 64), epochs=1, shuffle=False, verbose=0)
second_model.compile(optimizer=shared, loss="sparse_categorical_crossentropy")
claim("Keras 3 raises a `ValueError` (it was built for the first model's variables)",
      raises(lambda: second_model.fit(batches(x_train, y_train, 64), epochs=1, shuffle=False, verbose=0), ValueError))

# §5 the capstone
grids = {name: [r.rate for r in rows] for name, rows in results.items()}
rate_of = {name: {r.rate: r for r in rows} for name, rows in results.items()}
claim("traces its training step once", all(count == 1 for count in traces.values()), traces)
ratios = [b / a for rates in grids.values() for a, b in zip(rates, rates[1:])]
three = {"SGD": [0.3, 1.0, 3.0], "momentum": [0.1, 0.3, 1.0], "Nesterov": [0.1, 0.3, 1.0],
         "RMSprop": [0.001, 0.003, 0.01], "Adam": [0.001, 0.003, 0.01]}
claim("three rates a factor of about 3 apart", all(2.9 < r < 3.4 for r in ratios)
      and all(grids[name][-3:] == rates or grids[name][:3] == rates for name, rates in three.items()), grids)
claim("plain SGD 0.3, 1 and 3; momentum and Nesterov 0.1, 0.3 and 1; RMSprop 0.001 (Keras's default for RMSprop and "
      "Adam, and the article's rate for Adam), 0.003 and 0.01; Adam the same",
      math.isclose(float(keras.optimizers.RMSprop().learning_rate), 0.001, rel_tol=1e-6)
      and math.isclose(float(keras.optimizers.Adam().learning_rate), 0.001, rel_tol=1e-6)
      and all(set(rates) <= set(grids[name]) for name, rates in three.items()))
best_of_three = {name: digits.best([rate_of[name][r] for r in rates]).rate for name, rates in three.items()}
on_edge = sorted(name for name, rates in three.items() if best_of_three[name] in (rates[0], rates[-1]))
inside = all(grids[name][0] < b.rate < grids[name][-1] for name, b in bests.items())
claim("Where the best of the three sat on the edge of its grid, the grid was extended by one rate past it, so that "
      "every best rate lies inside its grid: Nesterov down to 0.03, Adam up to 0.03",
      on_edge == ["Adam", "Nesterov"] and grids["Nesterov"] == [0.03] + three["Nesterov"]
      and grids["Adam"] == three["Adam"] + [0.03]
      and all(grids[name] == three[name] for name in three if name not in on_edge) and inside,
      {"best of three": best_of_three, "grids": grids})
claim("each inside its grid", inside)
claim("In the rate figure each optimizer's line peaks inside its grid", inside)
claim("Every rate runs with three seeds",
      all(len(runs[name][r.rate]) == len(seeds) == 3 for name, rows in results.items() for r in rows if not r.failed))
claim("its other seeds are skipped (`stop_at_failure=True`)",
      all(len(runs[name][r.rate]) == 1 + next(i for i, (a, h) in enumerate(zip(r.final, runs[name][r.rate]))
                                              if a < 0.5 or not np.all(np.isfinite(h["loss"])))
          for name, rows in results.items() for r in rows if r.failed)
      and any(r.failed for rows in results.values() for r in rows),
      {name: {r.rate: len(runs[name][r.rate]) for r in rows if r.failed} for name, rows in results.items()})
claim("A rate *fails* when any of its seeds ends below 50 % validation accuracy (or its loss turns NaN)",
      all(r.failed == any(a < 0.5 or not np.all(np.isfinite(h["loss"])) for a, h in zip(r.final, runs[name][r.rate]))
          for name, rows in results.items() for r in rows))
fresh = digits.train(keras.optimizers.SGD(learning_rate=0.3), epochs=3, batch_size=64, seed=2).history
reset = digits.Trainer(keras.optimizers.SGD()).run(0.3, seed=2, epochs=3).history
claim("A reset run gives the same numbers as `digits.train`, bit for bit",
      all(fresh[key] == reset[key] for key in ("loss", "val_loss", "val_accuracy")))
claim("1 for SGD, 0.3 for momentum, 0.1 for Nesterov, 0.003 for RMSprop, 0.01 for Adam",
      {name: b.rate for name, b in bests.items()}
      == {"SGD": 1.0, "momentum": 0.3, "Nesterov": 0.1, "RMSprop": 0.003, "Adam": 0.01})


def neighbours(name):
    rows, index = results[name], results[name].index(bests[name])
    return [rows[i] for i in (index - 1, index + 1) if 0 <= i < len(rows) and not rows[i].failed]


claim("Each ties with a neighbouring rate within the seed spread",
      all(any(n.ties(bests[name]) for n in neighbours(name)) for name in bests))
claim("SGD's 0.3 and 1, like Nesterov's 0.1 and 0.3, even have the same mean",
      abs(rate_of["SGD"][0.3].mean - rate_of["SGD"][1.0].mean) < 1e-6
      and abs(rate_of["Nesterov"][0.1].mean - rate_of["Nesterov"][0.3].mean) < 1e-6)
claim("the faster one is listed",
      np.mean(rate_of["SGD"][1.0].reached) < np.mean(rate_of["SGD"][0.3].reached)
      and np.mean(rate_of["Nesterov"][0.1].reached) < np.mean(rate_of["Nesterov"][0.3].reached))
adam_means = {r.rate: r.mean for r in results["Adam"]}
claim("Over Adam's grid the final accuracy runs from 0.916 at the article's 0.001 to 0.979 at 0.01",
      min(adam_means, key=adam_means.get) == 0.001 and max(adam_means, key=adam_means.get) == 0.01
      and round(adam_means[0.001], 3) == 0.916 and round(adam_means[0.01], 3) == 0.979)
best_means = [b.mean for b in bests.values()]
claim("over the five optimizers, each at its best rate, only from 0.954 to 0.979",
      max(best_means) - min(best_means) < max(adam_means.values()) - min(adam_means.values())
      and (round(min(best_means), 3), round(max(best_means), 3)) == (0.954, 0.979))
claim("Within these grids, the rate mattered more than the optimizer",
      max(best_means) - min(best_means) < max(adam_means.values()) - min(adam_means.values()))
claim("Within these grids the rate mattered more than the optimizer",
      max(best_means) - min(best_means) < max(adam_means.values()) - min(adam_means.values()))
claim("SGD's own runs from 0.954 at its best down to a failure at 3",
      round(bests["SGD"].mean, 3) == 0.954 and rate_of["SGD"][3.0].failed and grids["SGD"][-1] == 3.0)
claim("At 0.001, RMSprop and Adam end below every optimizer at its best rate",
      max(rate_of["RMSprop"][0.001].high, rate_of["Adam"][0.001].high) < min(b.low for b in bests.values()))
claim("0.001 is a safe default, not a fast one",
      not rate_of["Adam"][0.001].failed and all(e is None for e in rate_of["Adam"][0.001].reached))
claim("Momentum and Nesterov fail at 1, where plain SGD learns",
      rate_of["momentum"][1.0].failed and rate_of["Nesterov"][1.0].failed and not rate_of["SGD"][1.0].failed)
claim("Momentum and Nesterov fail at 1, where plain SGD still learns",
      rate_of["momentum"][1.0].failed and rate_of["Nesterov"][1.0].failed and not rate_of["SGD"][1.0].failed)
claim("SGD fails at 1.5 and momentum still learns at 0.5",
      edges["SGD"].rate == 1.5 and edges["SGD"].failed and edges["momentum"].rate == 0.5
      and not edges["momentum"].failed and edges["momentum"].low > 0.9)
momentum_limit, sgd_limit = (0.5, 1.0), (1.0, 1.5)  # (learns at, fails at)
claim("So momentum's limit (between 0.5 and 1) lies below SGD's (between 1 and 1.5) by less than a factor of 3",
      not edges["momentum"].failed and rate_of["momentum"][1.0].failed and not rate_of["SGD"][1.0].failed
      and edges["SGD"].failed and sgd_limit[1] / momentum_limit[0] <= 3)
claim("not by the 1/(1 − μ) = 10 by which momentum 0.9 amplifies a steady gradient",
      sgd_limit[1] / momentum_limit[0] < 1 / (1 - 0.9))
claim("on this network it lowers it", rate_of["momentum"][1.0].failed and not rate_of["SGD"][1.0].failed)
claim("Adam ends higher than SGD and RMSprop, and Nesterov higher than RMSprop; every other pair ties",
      set(higher) == {("Adam", "SGD"), ("Adam", "RMSprop"), ("Nesterov", "RMSprop")}, higher)
claim("momentum with every optimizer", not any("momentum" in pair for pair in higher))
claim("its seeds end from 0.953 to 0.981",
      (round(bests["momentum"].low, 3), round(bests["momentum"].high, 3)) == (0.953, 0.981))
claim("To 95 %, Adam and Nesterov are faster than RMSprop; the other pairs tie",
      set(sooner) == {("Adam", "RMSprop"), ("Nesterov", "RMSprop")}, sooner)
gaps = [round((bests[a].low - bests[b].high) * len(y_val)) for a, b in higher]
gap_accuracies = {(a, b): bests[a].low - bests[b].high for a, b in higher}
claim("These gaps are small: the higher one's worst seed beats the lower one's best by 0.003 to 0.011, one to four "
      "validation images",
      (round(min(gap_accuracies.values()), 3), round(max(gap_accuracies.values()), 3)) == (0.003, 0.011)
      and (min(gaps), max(gaps)) == (1, 4), f"gaps {gap_accuracies}, in images {gaps}")
winners = {a for a, _ in higher}
claim("The winners' own flattery (the check after the table: Adam 0.000, Nesterov 0.002) is smaller than every gap, "
      "so choosing the rate on the same images does not explain them",
      winners == {"Adam", "Nesterov"} and (round(flattery["Adam"], 3), round(flattery["Nesterov"], 3)) == (0.0, 0.002)
      and max(flattery[a] for a in winners) < min(gap_accuracies.values()),
      f"flattery {flattery}, gaps {gap_accuracies}")
claim("Nesterov's worst seed beats RMSprop's best by one image",
      round(gap_accuracies[("Nesterov", "RMSprop")] * len(y_val)) == 1 == min(gaps))
claim("what keeps them tentative is three seeds", len(seeds) == 3)
claim("the rate chosen on one half loses between 0 (Adam, whose two halves chose the same rate) and 0.008 (RMSprop)",
      min(flattery, key=flattery.get) == "Adam" and flattery["Adam"] == 0
      and chosen_and_scored("Adam", *halves)[0] == chosen_and_scored("Adam", *halves[::-1])[0]
      and max(flattery, key=flattery.get) == "RMSprop" and round(flattery["RMSprop"], 3) == 0.008
      and all(v >= 0 for v in flattery.values()), flattery)
chosen_rates = {name: [chosen_and_scored(name, half, half)[0] for half in halves] for name in runs}
claim("That is the flattery of a choice made on 179 or 180 images",
      sorted(len(y_val) // 2 + k for k in (0, 1)) == [179, 180] and len(y_val) == 359, chosen_rates)
claim("RMSprop's halves chose 0.01 and 0.003, all 359 images 0.003",
      chosen_rates["RMSprop"] == [0.01, 0.003] and bests["RMSprop"].rate == 0.003, chosen_rates)
claim("choosing and scoring on the same images flatters the best rate a little",
      all(0 <= v < 0.01 for v in flattery.values()) and max(flattery.values()) > 0, flattery)
order = lambda scores: sorted(scores, key=scores.get, reverse=True)
claim("The order holds: Adam first, then Nesterov, then momentum, with SGD and RMSprop last",
      order(other_half)[:3] == order({n: b.mean for n, b in bests.items()})[:3] == ["Adam", "Nesterov", "momentum"]
      and set(order(other_half)[3:]) == set(order({n: b.mean for n, b in bests.items()})[3:]) == {"SGD", "RMSprop"},
      (order(other_half), other_half))
claim("Nesterov's, RMSprop's and Adam's mean training loss fell in every epoch up to the last",
      all(np.all(np.diff(mean_loss[name]) < 0) for name in ("Nesterov", "RMSprop", "Adam")))
claim("SGD's and momentum's rose from epoch 9 to 10 (SGD 0.086 to 0.091, momentum 0.050 to 0.052)",
      [round(v, 3) for v in mean_loss["SGD"][8:]] == [0.086, 0.091]
      and [round(v, 3) for v in mean_loss["momentum"][8:]] == [0.050, 0.052])
claim("at these large rates the loss no longer falls every epoch",
      all(np.any(np.diff(mean_loss[name]) > 0) for name in ("SGD", "momentum")))
claim("Momentum's seeds end far apart in training loss (0.104, 0.036 and 0.016: the wide band in the left panel), as "
      "in accuracy (0.953 to 0.981)",
      [round(v, 3) for v in final_losses["momentum"]] == [0.104, 0.036, 0.016]
      and (round(bests["momentum"].low, 3), round(bests["momentum"].high, 3)) == (0.953, 0.981))
claim("The faster is also the jumpier: SGD's seeds end further apart at 1 than at 0.3 (0.936 to 0.964, against 0.950 "
      "to 0.958)",
      (round(rate_of["SGD"][1.0].low, 3), round(rate_of["SGD"][1.0].high, 3)) == (0.936, 0.964)
      and (round(rate_of["SGD"][0.3].low, 3), round(rate_of["SGD"][0.3].high, 3)) == (0.950, 0.958)
      and np.mean(rate_of["SGD"][1.0].reached) < np.mean(rate_of["SGD"][0.3].reached))
claim("at 1 its mean validation accuracy fell from 0.93 at epoch 4 to 0.91 at epoch 5",
      bests["SGD"].rate == 1.0 and [round(v, 2) for v in mean_accuracy["SGD"][3:5]] == [0.93, 0.91])
claim("here 0.01 was best, 0.001 the slowest of the grid, and Adam failed at none of its rates",
      bests["Adam"].rate == 0.01 and not any(r.failed for r in results["Adam"])
      and min(adam_means, key=adam_means.get) == 0.001)
claim("here Nesterov tied with Adam", bests["Nesterov"].ties(bests["Adam"]))
claim("most differences between optimizers at their best rates were ties", len(higher) < 10 / 2, higher)
