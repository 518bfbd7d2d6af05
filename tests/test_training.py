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


def test_a_bar_in_a_notebook_kernel_sends_few_messages():
    """A bar updated every 2 ms for 3 s sends a few messages a second from a kernel, not ~30: a
    client that reads the kernel's messages only after the cell (nbval) loses the final 'idle' once
    thousands queue up, and fails the cell with 'Timeout ... waiting for output'."""
    from queue import Empty

    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        code = ("import time\nfrom labkit import training\nbar = training.bar(1500, 'steps')\n"
                "for _ in range(1500):\n    time.sleep(0.002)\n"
                "    bar.set_postfix(loss='0.1', refresh=False)\n    bar.update(1)\nbar.close()\n")
        started = client.execute(code)
        assert client.get_shell_msg(timeout=120)["content"]["status"] == "ok"
        count = 0
        while True:
            try:
                message = client.get_iopub_msg(timeout=10)
            except Empty:
                raise AssertionError(f"no 'idle' after {count} messages") from None
            count += message["parent_header"].get("msg_id") == started
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        assert count <= 60, f"the bar sent {count} kernel messages in ~3 s; expected <= 60 (about 4 a second)"
    finally:
        manager.shutdown_kernel(now=True)
