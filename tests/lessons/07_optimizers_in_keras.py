"""Claims of 07 · Optimizers in Keras: each conclusion of the prose, held by the notebook's own variables.

The Keras facts are re-run here on small objects (warnings, errors, identities); the capstone's conclusions are
read from the notebook's ``results``, ``bests``, ``higher``, ``sooner`` and ``runs``.
"""

import inspect
import math
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


# §1 a string or an object
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
claim("`learning_rate=1` and `momentum=1` are refused",
      raises(lambda: keras.optimizers.SGD(learning_rate=1), ValueError)
      and raises(lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=1), ValueError)
      and float(keras.optimizers.SGD(learning_rate=1.0).learning_rate) == 1.0)
claim("`learning_rate=1` raises a `ValueError`; write `1.0`",
      raises(lambda: keras.optimizers.SGD(learning_rate=1), ValueError))
decoupled = keras.optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
moved = steps(decoupled, 0.0, count=1)
claim("at every step it shrinks the *weights* towards zero, whatever the gradient",
      math.isclose(moved, 0.95, rel_tol=1e-6), f"w = 1 with a zero gradient becomes {moved}")
claim("the learning rate stays as it was", math.isclose(float(decoupled.learning_rate), 0.1, rel_tol=1e-6))
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
claim("the validation loss was lowest at epoch 8", best_epoch == 7 and all(r == 0.5 for r in plateau_rates[:10]),
      f"lowest at epoch {best_epoch + 1}")
claim("after two epochs without improvement (`patience=2`) the rate was halved",
      first_cut == best_epoch + 3 and math.isclose(plateau_rates[first_cut], plateau_rates[0] / 2),
      f"first epoch at the new rate: {first_cut + 1}")
claim("the validation loss fell below its earlier best in the next epoch",
      plateau_losses[first_cut] < min(plateau_losses[:first_cut]))
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
      "more without creating them)",
      traced_shapes[:2] == [(64, 64), (64, 64)] and probe_step.experimental_get_tracing_count() == 1,
      "with the optimizer built beforehand, the first call traces once")
claim("once more for the last, shorter batch (1438 = 22 × 64 + 30 images)",
      traced_shapes[2:] == [(30, 64)] and len(x_train) == 1438 == 22 * 64 + 30)
claim("a new input shape means a new trace", len(set(traced_shapes)) == 2 and len(traced_shapes) == 3)
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
fresh = digits.train(keras.optimizers.SGD(learning_rate=0.3), epochs=3, batch_size=64, seed=2).history
reset = digits.Trainer(keras.optimizers.SGD()).run(0.3, seed=2, epochs=3).history
claim("A reset run gives the same numbers as a freshly compiled model, bit for bit",
      all(fresh[key] == reset[key] for key in ("loss", "val_loss", "val_accuracy")))
claim("Every best rate lies inside its grid except Nesterov's 0.1, on the lower edge",
      [name for name, b in bests.items() if not grids[name][0] < b.rate < grids[name][-1]] == ["Nesterov"]
      and bests["Nesterov"].rate == grids["Nesterov"][0] == 0.1, {name: (b.rate, grids[name]) for name, b in bests.items()})
claim("a still lower rate might tie with it too",
      bests["Nesterov"].ties(rate_of["Nesterov"][0.3]) and bests["Nesterov"].rate == min(grids["Nesterov"]))
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
claim("Here the rate mattered as much as the optimizer",
      max(best_means) - min(best_means) < max(adam_means.values()) - min(adam_means.values()))
claim("At 0.001, RMSprop and Adam end below every optimizer at its best rate",
      max(rate_of["RMSprop"][0.001].high, rate_of["Adam"][0.001].high) < min(b.low for b in bests.values()))
claim("0.001 is a safe default, not a fast one",
      not rate_of["Adam"][0.001].failed and all(e is None for e in rate_of["Adam"][0.001].reached))
claim("Momentum and Nesterov fail at 1, where plain SGD still learns (it fails at 3)",
      rate_of["momentum"][1.0].failed and rate_of["Nesterov"][1.0].failed and not rate_of["SGD"][1.0].failed
      and rate_of["SGD"][3.0].failed)
claim("Adam ends higher than SGD and RMSprop, and Nesterov higher than RMSprop; every other pair ties",
      set(higher) == {("Adam", "SGD"), ("Adam", "RMSprop"), ("Nesterov", "RMSprop")}, higher)
claim("momentum with every optimizer", not any("momentum" in pair for pair in higher))
claim("its seeds end from 0.953 to 0.981",
      (round(bests["momentum"].low, 3), round(bests["momentum"].high, 3)) == (0.953, 0.981))
claim("To 95 %, Adam and Nesterov are faster than RMSprop; the other pairs tie",
      set(sooner) == {("Adam", "RMSprop"), ("Nesterov", "RMSprop")}, sooner)
gaps = [round((bests[a].low - bests[b].high) * len(y_val)) for a, b in higher]
claim("even these gaps (a few validation images)", all(1 <= g <= 5 for g in gaps), f"gaps in images: {gaps}")
claim("Each optimizer's mean training loss is still lower at epoch 10 than at epoch 7",
      all(np.mean([h["loss"][9] for h in runs[name][b.rate]]) < np.mean([h["loss"][6] for h in runs[name][b.rate]])
          for name, b in bests.items()))
claim("here 0.01 was best, 0.001 the slowest of the grid, and Adam failed at none of its rates",
      bests["Adam"].rate == 0.01 and not any(r.failed for r in results["Adam"])
      and min(adam_means, key=adam_means.get) == 0.001)
claim("here Nesterov tied with Adam", bests["Nesterov"].ties(bests["Adam"]))
claim("most differences between optimizers at their best rates were ties", len(higher) < 10 / 2, higher)
