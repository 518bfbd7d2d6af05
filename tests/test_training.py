from labkit import plots, training

import numpy as np
import pytest


def _model(learning_rate):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(learning_rate), "mse")
    return model


def test_progress_records_each_batch_loss_not_the_running_mean():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)).astype("float32"), rng.normal(size=(40,)).astype("float32")
    model = _model(learning_rate=0.0)  # weights stay put, so each batch's loss can be recomputed
    live = plots.LiveLoss(every=100)
    log = training.progress(4, "test", live=live)
    model.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0, callbacks=[log])
    prediction = np.asarray(model(x))[:, 0]
    expected = [float(np.mean((prediction[i:i + 10] - y[i:i + 10]) ** 2)) for i in range(0, 40, 10)]
    assert np.allclose(log.losses, expected * 2, rtol=1e-4)
    assert live.losses == log.losses and log.diverged_at is None


def test_progress_stops_training_at_the_first_non_finite_loss():
    x = np.ones((50, 3), "float32")
    y = np.zeros(50, "float32")
    y[25] = np.inf  # the third batch of 10 has an infinite target
    log = training.progress(5, "diverging")
    _model(learning_rate=0.01).fit(x, y, batch_size=10, verbose=0, callbacks=[log])
    assert log.diverged_at == 3 and len(log.losses) == 3
    assert np.isfinite(log.losses[:2]).all() and not np.isfinite(log.losses[2])


@pytest.mark.parametrize("steps", [0, 2.0, True])
def test_progress_rejects_bad_steps(steps):
    with pytest.raises(ValueError, match=r"^steps: expected an int >= 1 \(batches to train\), got"):
        training.progress(steps)
