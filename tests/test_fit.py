"""labkit.training.fit and labkit.checkpoints: the custom loop, atomic checkpoints, resume."""

from labkit import checkpoints, notebooks, plots, training

import importlib.util
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

VOCAB, BATCH, LENGTH = 12, 8, 10


def _setup(seed=0):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(VOCAB, 4),
        keras.layers.LSTM(8, return_sequences=True),
        keras.layers.Dense(VOCAB),
    ])
    optimizer = keras.optimizers.Adam(1e-2)

    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)  # (batch, time, vocab)
            per_step = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)  # (b, t)
            loss = tf.nn.compute_average_loss(tf.reduce_mean(per_step, axis=1))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    return model, optimizer, train_step


def batches(step):
    rng = np.random.default_rng([0, step])
    ids = rng.integers(0, VOCAB, size=(BATCH, LENGTH + 1)).astype("int32")
    ids[:, 1::2] = (ids[:, 0::2][:, : ids[:, 1::2].shape[1]] + 1) % VOCAB  # learnable: every other id follows
    return ids[:, :-1], ids[:, 1:]


def test_fit_trains_and_counts_steps():
    model, optimizer, train_step = _setup()
    run = training.fit(train_step, batches, 30, desc="test")
    assert run.step == 30 and len(run.losses) == 30 and run.seconds > 0 and run.diverged_at is None
    assert np.mean(run.losses[-5:]) < np.mean(run.losses[:5])


def test_resume_continues_the_step_counter_and_the_losses(tmp_path):
    model, optimizer, train_step = _setup()
    straight = training.fit(train_step, batches, 12)

    model, optimizer, train_step = _setup()
    first = training.fit(train_step, batches, 6, model=model, optimizer=optimizer, checkpoint_dir=tmp_path)
    model, optimizer, train_step = _setup(seed=1)  # a fresh process: other weights until restored
    resumed = training.fit(train_step, batches, 12, model=model, optimizer=optimizer, checkpoint_dir=tmp_path,
                           resume=True)
    assert first.step == 6 and resumed.step == 12 and resumed.losses[:6] == first.losses
    np.testing.assert_allclose(resumed.losses, straight.losses, rtol=1e-5)


def test_a_finished_run_resumed_says_so_and_its_live_plot_shows_the_recorded_curve(tmp_path, capsys):
    model, optimizer, train_step = _setup()
    first = training.fit(train_step, batches, 6, model=model, optimizer=optimizer, checkpoint_dir=tmp_path)
    live = plots.LiveLoss(every=100)
    again = training.fit(train_step, batches, 6, model=model, optimizer=optimizer, checkpoint_dir=tmp_path,
                         resume=True, live=live)
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"resumed from step 6 of 6 (step-000006, written by this same train_step); nothing left to train; "
        f"to start over, delete {tmp_path}")
    assert again.step == 6 and live.losses == first.losses


def test_an_interrupted_run_saves_and_resumes_where_it_stopped(tmp_path):
    model, optimizer, train_step = _setup()
    straight = training.fit(train_step, batches, 10)

    def interrupted_batches(step):
        if step == 8:
            raise KeyboardInterrupt
        return batches(step)

    model, optimizer, train_step = _setup()
    with pytest.raises(KeyboardInterrupt):
        training.fit(train_step, interrupted_batches, 10, model=model, optimizer=optimizer,
                     checkpoint_dir=tmp_path, checkpoint_every=5)
    assert checkpoints.latest(tmp_path).name == "step-000007"
    model, optimizer, train_step = _setup(seed=1)
    resumed = training.fit(train_step, batches, 10, model=model, optimizer=optimizer, checkpoint_dir=tmp_path,
                           resume=True)
    np.testing.assert_allclose(resumed.losses, straight.losses, rtol=1e-5)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["latest", "step-000007", "step-000010"]  # two newest kept, nothing half-written


def test_resume_without_a_checkpoint_starts_from_step_zero(tmp_path, capsys):
    model, optimizer, train_step = _setup()
    run = training.fit(train_step, batches, 3, model=model, optimizer=optimizer, checkpoint_dir=tmp_path,
                       resume=True)
    assert run.step == 3 and len(run.losses) == 3
    assert f"training from step 0: no checkpoint in {tmp_path} yet" in capsys.readouterr().out


def _student_code(folder, scale):
    """``loss_scale`` as a student wrote it in ``folder`` (a file of its own: a notebook cell run again)."""
    folder.mkdir()
    (folder / "exercise.py").write_text(f"def loss_scale():\n    return {scale}\n")
    spec = importlib.util.spec_from_file_location(f"exercise_{folder.name}", folder / "exercise.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.loss_scale


def test_a_checkpoint_resumes_under_the_same_code_and_starts_over_under_changed_code(tmp_path, capsys):
    def fit(steps, code):
        model, optimizer, train_step = _setup(seed=1)  # a fresh kernel: other weights until restored
        return training.fit(train_step, batches, steps, model=model, optimizer=optimizer, resume=True,
                            checkpoint_dir=tmp_path / "checkpoints", code=[code])

    first = fit(4, _student_code(tmp_path / "broken", "1.0"))
    again = fit(6, _student_code(tmp_path / "run again", "1.0"))  # the same source, defined anew
    assert "resumed from step 4 of 6 (step-000004, written by this same loss_scale, train_step)" in (
        capsys.readouterr().out)
    assert again.losses[:4] == first.losses

    fixed = fit(6, _student_code(tmp_path / "fixed", "2.0"))  # the student fixed the exercise
    said, folder = capsys.readouterr().out.splitlines()[-1], tmp_path / "checkpoints"
    assert said == f"training from step 0: loss_scale changed since the checkpoint at step 6 in {folder} " + (
        "was written")
    assert fixed.step == 6 and fixed.losses[0] == first.losses[0]  # trained again from step 1
    fit(6, _student_code(tmp_path / "fixed again", "2.0"))
    assert "resumed from step 6 of 6" in capsys.readouterr().out  # its checkpoint records the fixed code


def test_a_run_that_started_over_keeps_its_checkpoints_beside_higher_steps_of_older_code(tmp_path, capsys):
    def fit(steps, code):
        model, optimizer, train_step = _setup()
        return training.fit(train_step, batches, steps, model=model, optimizer=optimizer, resume=True,
                            checkpoint_dir=tmp_path, checkpoint_every=2, code=[code])

    fit(6, _student_code(tmp_path / "old", "1.0"))  # step-000004 and step-000006
    fit(3, _student_code(tmp_path / "new", "2.0"))  # starts over: step-000002, then step-000003
    assert checkpoints.latest(tmp_path).name == "step-000003"
    assert sorted(p.name for p in tmp_path.glob("step-*")) == ["step-000002", "step-000003"]  # the two newest
    fit(3, _student_code(tmp_path / "new again", "2.0"))
    assert "resumed from step 3 of 3" in capsys.readouterr().out


def test_a_checkpoint_that_records_no_code_is_not_resumed(tmp_path, capsys):
    model, optimizer, train_step = _setup()
    training.fit(train_step, batches, 2, model=model, optimizer=optimizer, checkpoint_dir=tmp_path)
    state = checkpoints.latest(tmp_path) / "state.json"
    state.write_text(json.dumps({key: value for key, value in json.loads(state.read_text()).items()
                                 if key != "code"}))  # written before checkpoints recorded their code
    run = training.fit(train_step, batches, 2, model=model, optimizer=optimizer, checkpoint_dir=tmp_path,
                       resume=True)
    assert run.step == 2 and "does not record the code that trained it" in capsys.readouterr().out


def _notebook_definitions(path, loss_value):
    """``loss`` and ``Cell`` defined in the cells of a notebook at ``path``, as a kernel would hold them."""
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
             for source in (f"def loss():\n    return {loss_value}\n",
                            "class Cell:\n    def call(self):\n        return 2\n")]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    lesson = notebooks.load_definitions(path, ["loss", "Cell"])
    return lesson["loss"], lesson["Cell"]


def test_fingerprint_hashes_the_source_of_functions_and_of_classes_from_notebook_cells(tmp_path):
    loss, cell = _notebook_definitions(tmp_path / "a.ipynb", 1)
    same_loss, same_cell = _notebook_definitions(tmp_path / "b.ipynb", 1)
    other_loss, _ = _notebook_definitions(tmp_path / "c.ipynb", 3)
    prints = checkpoints.fingerprint([loss, cell])
    assert sorted(prints) == ["Cell", "loss"] and prints == checkpoints.fingerprint([same_loss, same_cell])
    assert checkpoints.fingerprint([other_loss])["loss"] != prints["loss"]
    assert checkpoints.fingerprint([cell()]) == {"Cell": prints["Cell"]}  # an object stands for its class
    namespace = {}
    exec("def unreadable():\n    return 3\n", namespace)  # noqa: S102 (no file, no linecache entry)
    with pytest.raises(ValueError, match=r"^code: cannot read the source of 'unreadable'") as error:
        checkpoints.fingerprint([namespace["unreadable"]])
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("arguments, message", [
    (dict(train_step=None), r"^train_step: expected a function"),
    (dict(batches=[1, 2]), r"^batches: expected a function"),
    (dict(steps=0), r"^steps: expected an int >= 1"),
    (dict(checkpoint_every=1.5), r"^checkpoint_every: expected an int"),
    (dict(seconds=-1), r"^seconds: expected a time budget"),
    (dict(resume=True), r"^resume: needs checkpoint_dir"),
    (dict(code=batches), r"^code: expected a list of the functions and classes that train"),
    (dict(code=[batches]), r"^code: needs checkpoint_dir"),
    (dict(checkpoint_dir="x"), r"^checkpoint_dir: needs model= and optimizer="),
    (dict(strategy="x"), r"^strategy: needs model= and optimizer="),
])
def test_bad_arguments_are_one_line_errors(arguments, message):
    call = dict(train_step=lambda x, y: 0.0, batches=batches, steps=5) | arguments
    with pytest.raises(ValueError, match=message) as error:
        training.fit(call.pop("train_step"), call.pop("batches"), call.pop("steps"), **call)
    assert "\n" not in str(error.value)


def test_mirrored_strategy_over_two_cpus_gives_the_single_device_loss():
    """Logical devices must be set before TensorFlow starts, so this runs in its own process."""
    script = textwrap.dedent("""
        import numpy as np, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        import sys; sys.path.insert(0, "tests")
        from test_fit import _setup, batches
        from labkit import training
        _, _, train_step = _setup()
        single = training.fit(train_step, batches, 5).losses
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            model, optimizer, train_step = _setup()
        mirrored = training.fit(train_step, batches, 5, model=model, optimizer=optimizer,
                                strategy=strategy).losses
        assert strategy.num_replicas_in_sync == 2
        np.testing.assert_allclose(mirrored, single, rtol=1e-4)
        print("OK", single, mirrored)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "OK" in done.stdout, done.stderr[-2000:]
