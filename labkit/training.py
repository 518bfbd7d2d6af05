"""Training plumbing the lessons share: progress bars and per-step loss records for Keras.

``progress`` is a Keras callback for ``model.fit``: a tqdm bar over the batches and the loss
of every batch in ``.losses`` (Keras itself only reports the epoch's running mean). A
non-finite loss ends training, so a diverging run stops at once and says so::

    log = training.progress(steps, "no clipping")
    model.fit(x, y, batch_size=64, verbose=0, callbacks=[log])
    log.losses, log.diverged_at        # per-batch losses; first non-finite step or None

Keras is imported when ``progress`` is called, not when labkit is.
"""

import math


def progress(steps, desc="training", *, live=None):
    """A Keras callback showing a tqdm bar over ``steps`` batches and recording each loss.

    ``live`` (a :class:`labkit.plots.LiveLoss`) also receives every finite loss. Training
    stops after the first non-finite loss; its 1-based step is in ``diverged_at``.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: expected an int >= 1 (batches to train), got {steps!r}")
    import keras
    from tqdm.auto import tqdm

    class Progress(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses, self.diverged_at = [], None
            self._bar, self._running_sum = None, 0.0

        def on_train_begin(self, logs=None):
            self._bar = tqdm(total=steps, desc=desc)

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
