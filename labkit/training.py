"""Training plumbing the lessons share: progress bars, per-step losses, a resumable custom loop.

``progress`` is a Keras callback for ``model.fit``: a tqdm bar over the batches and the loss
of every batch in ``.losses`` (Keras itself only reports the epoch's running mean). A
non-finite loss ends training, so a diverging run stops at once and says so::

    log = training.progress(steps, "no clipping")
    model.fit(x, y, batch_size=64, verbose=0, callbacks=[log])
    log.losses, log.diverged_at        # per-batch losses; first non-finite step or None

Keras is imported when ``progress`` is called, not when labkit is.
"""

from labkit.arguments import check_int

import math

# A bar redraws at most once a second. tqdm's default (10 a second) sends ~30 widget messages a
# second from a notebook kernel; a client that reads them only after the cell (nbval) can then
# lose the kernel's "idle" message once a few thousand queue up, and waits out its timeout.
BAR_REFRESH_SECONDS = 1.0


def bar(total, desc, **options):
    """A tqdm progress bar (a widget in a notebook) that redraws at most every ``BAR_REFRESH_SECONDS``."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, mininterval=BAR_REFRESH_SECONDS, **options)


def progress(steps, desc="training", *, live=None):
    """A Keras callback showing a tqdm bar over ``steps`` batches and recording each loss.

    ``live`` (a :class:`labkit.plots.LiveLoss`) also receives every finite loss. Training
    stops after the first non-finite loss; its 1-based step is in ``diverged_at``.
    """
    check_int("steps", steps, meaning="batches to train")
    import keras

    class Progress(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses, self.diverged_at = [], None
            self._bar, self._running_sum = None, 0.0

        def on_train_begin(self, logs=None):
            self._bar = bar(steps, desc)

        def on_epoch_begin(self, epoch, logs=None):
            self._running_sum = 0.0

        def on_train_batch_end(self, batch, logs=None):
            # Keras reports the running mean over the epoch; undo it to get this batch's loss.
            running_sum = float(logs["loss"]) * (batch + 1)
            loss = running_sum - self._running_sum if math.isfinite(running_sum) else running_sum
            self._running_sum = running_sum
            self.losses.append(loss)
            # refresh=False: redrawing on every batch floods a notebook's message channel.
            self._bar.set_postfix(loss=f"{loss:.3g}", refresh=False)
            self._bar.update(1)
            if not math.isfinite(loss):
                self.diverged_at = len(self.losses)
                self.model.stop_training = True
            elif live is not None:
                live.update(loss)

        def on_train_end(self, logs=None):
            self._bar.close()

    return Progress()


class Run:
    """What :func:`fit` did: per-step ``losses``, the ``step`` reached, training ``seconds``."""

    def __init__(self, losses, step, seconds, diverged_at=None):
        self.losses, self.step, self.seconds, self.diverged_at = losses, step, seconds, diverged_at

    def __repr__(self):
        last = f", last loss {self.losses[-1]:.4g}" if self.losses else ""
        return f"Run(step {self.step}, {self.seconds:.1f} s{last})"


def _check_fit_arguments(train_step, batches, steps, checkpoint_every, seconds, resume, checkpoint_dir, code):
    if not callable(train_step):
        raise ValueError(f"train_step: expected a function (x, y) -> loss, got {type(train_step).__name__}")
    if not callable(batches):
        raise ValueError(f"batches: expected a function step -> (x, y), got {type(batches).__name__}")
    check_int("steps", steps)
    check_int("checkpoint_every", checkpoint_every)
    if seconds is not None and (type(seconds) not in (int, float) or seconds <= 0):
        raise ValueError(f"seconds: expected a time budget > 0 in seconds or None, got {seconds!r}")
    if resume and checkpoint_dir is None:
        raise ValueError("resume: needs checkpoint_dir, the folder to resume from")
    if not isinstance(code, (list, tuple)) or not all(map(callable, code)):
        raise ValueError(f"code: expected a list of the functions and classes that train, got {code!r}")
    if code and checkpoint_dir is None:
        raise ValueError("code: needs checkpoint_dir, the checkpoints that record it")


def fit(train_step, batches, steps, *, model=None, optimizer=None, checkpoint_dir=None, checkpoint_every=200,
        resume=False, code=(), strategy=None, jit_compile=False, seconds=None, live=None, desc="training"):
    """Run ``train_step(x, y) -> loss`` on ``batches(step) -> (x, y)`` for steps 1..``steps``.

    The step is compiled once with ``tf.function`` (``jit_compile=True`` adds XLA). A tqdm bar
    shows progress and ``live`` (a :class:`labkit.plots.LiveLoss`) plots each loss.

    - ``checkpoint_dir``: every ``checkpoint_every`` steps, at the end and on Ctrl-C, write
      ``model`` and ``optimizer`` atomically (see :mod:`labkit.checkpoints`).
    - ``resume=True``: continue from the latest checkpoint there with the same step counter
      and loss record; since batches are a function of the step, the data continues too. Only a
      checkpoint written by the same code is resumed: each records a hash of the source of
      ``train_step`` and of the functions and classes in ``code`` (the loss, the model's builder,
      ...), and changed code starts from step 0. One line says which it was, and how to start over.
    - ``strategy``: a ``tf.distribute`` strategy whose scope built model and optimizer; each
      batch is split across its replicas, and ``train_step`` should average its loss with
      ``tf.nn.compute_average_loss`` so the replicas' losses sum to the batch mean.
    - ``seconds``: stop once training has taken this long (a time budget).

    Stops at the first non-finite loss. Returns a :class:`Run`.
    """
    _check_fit_arguments(train_step, batches, steps, checkpoint_every, seconds, resume, checkpoint_dir, code)
    for name, value in (("checkpoint_dir", checkpoint_dir), ("strategy", strategy)):
        if value is not None and (model is None or optimizer is None):
            raise ValueError(f"{name}: needs model= and optimizer= as well (to save them, or to build them)")
    import contextlib
    import time

    from . import checkpoints

    state = {"step": 0, "losses": [], "seconds": 0.0}
    if checkpoint_dir is not None:
        state["code"] = checkpoints.fingerprint([train_step, *code])
    if optimizer is not None and not optimizer.built:  # its variables must exist before the step is traced
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            optimizer.build(model.trainable_variables)
    if resume:
        restored, why = checkpoints.resume(checkpoint_dir, model, optimizer, state["code"])
        if restored is None:
            print(f"training from step 0: {why}")
        else:
            state = restored
            print(f"resumed from step {state['step']} of {steps} ({why}); "
                  f"{'nothing left to train' if state['step'] >= steps else 'training on'}; "
                  f"to start over, delete {checkpoint_dir}")
            if live is not None:
                live.resume(state["losses"])
    step_function = _compile(train_step, strategy, jit_compile)
    steps_bar = bar(steps, desc, initial=state["step"])
    started, diverged_at = time.perf_counter() - state["seconds"], None

    def save():
        if checkpoint_dir is not None and state["step"] > 0:
            checkpoints.save(checkpoint_dir, model, optimizer, state)

    try:
        while state["step"] < steps and (seconds is None or state["seconds"] < seconds):
            x, y = batches(state["step"] + 1)
            loss = float(step_function(*_distribute(strategy, x, y)))
            state["step"] += 1
            state["losses"].append(loss)
            state["seconds"] = time.perf_counter() - started
            steps_bar.set_postfix(loss=f"{loss:.3g}", refresh=False)
            steps_bar.update(1)
            if not math.isfinite(loss):
                diverged_at = state["step"]
                break
            if live is not None:
                live.update(loss)
            if state["step"] % checkpoint_every == 0:
                save()
    except KeyboardInterrupt:
        save()  # fit(..., resume=True) continues from here
        raise
    finally:
        steps_bar.close()
    save()
    if live is not None and live.losses:
        live.close()  # the whole curve, also when nothing was left to train
    return Run(state["losses"], state["step"], state["seconds"], diverged_at)


def _compile(train_step, strategy, jit_compile):
    import tensorflow as tf

    if strategy is None:
        return tf.function(train_step, jit_compile=jit_compile)
    if jit_compile:
        raise ValueError("jit_compile: XLA is not combined with a strategy here; pass one of the two")

    @tf.function
    def distributed_step(x, y):
        per_replica = strategy.run(train_step, args=(x, y))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    return distributed_step


def _distribute(strategy, x, y):
    """The batch as arguments for the step: as is, or split into one shard per replica."""
    if strategy is None:
        return x, y
    n = strategy.num_replicas_in_sync
    if len(x) % n:
        raise ValueError(f"batches: batch size {len(x)} does not split over {n} replicas")

    def shard(array):
        return strategy.experimental_distribute_values_from_function(
            lambda context: array[context.replica_id_in_sync_group::n])

    return shard(x), shard(y)
