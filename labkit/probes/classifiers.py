"""Probes of lesson 03's exercises: tweet standardisation, the masked many-to-one classifier
(given the check's weights for whatever shapes the student's model has), and the ensemble."""

from labkit.probes.base import expect

import numpy as np

MODELS = (("LSTM", True), ("LSTM", False), ("BiLSTM", True))  # (kind, mask) of each classifier probed


def tweet_standardize(given, fn):
    import tensorflow as tf

    texts = given
    out = fn(tf.constant(texts))
    expect(hasattr(out, "numpy") and np.shape(out) == (len(texts),),
           "standardize must return a string tensor with one text per input text (use tf.strings)")
    return {"texts": np.array([text.decode("utf-8") for text in out.numpy()])}


def check_weights(weight_seed, number, shapes):
    """The weights the check gives classifier ``number`` of ``shapes`` (the student's own layout)."""
    rng = np.random.default_rng([weight_seed, number])
    return [rng.normal(scale=0.5, size=shape).astype("float32") for shape in shapes]


def _describe(layer):
    name = type(layer).__name__
    if name == "Embedding":
        return f"Embedding mask_zero={bool(layer.mask_zero)}"
    if name == "Dense":
        return f"Dense {layer.get_config()['activation']}"
    if name == "Bidirectional":
        return f"Bidirectional {layer.merge_mode} {type(layer.forward_layer).__name__}"
    return name


def sentiment_classifier(given, classifier):
    ids, longer, weight_seed = given
    data = {}
    for number, (kind, mask) in enumerate(MODELS):
        model = classifier(kind, mask=mask)
        shapes = [tuple(w.shape) for w in model.weights]
        expect(sum(int(np.prod(s)) for s in shapes) < 5_000_000, "the classifier has over 5 million weights")
        model.set_weights(check_weights(weight_seed, number, shapes))
        data[f"layers_{number}"] = np.array([_describe(layer) for layer in model.layers])
        padded = [(*s, -1)[:2] if len(s) < 2 else s for s in shapes]  # 1-D shapes as (n, -1)
        data[f"shapes_{number}"] = np.array(padded)  # (weights, 2)
        data[f"probabilities_{number}"] = np.asarray(model(ids, training=False))  # (batch, classes)
        data[f"longer_{number}"] = np.asarray(model(longer, training=False))
    return data


def average_ensemble(given, make_ensemble):
    import keras

    ids, weights = given
    models = []
    for member in weights:
        model = keras.Sequential([
            keras.Input((None,), dtype="int64"),
            keras.layers.Embedding(50, 4),  # (batch, time, 4)
            keras.layers.GlobalAveragePooling1D(),  # (batch, 4)
            keras.layers.Dense(member[1].shape[1], activation="softmax"),  # (batch, classes)
        ])
        model.set_weights(member)
        models.append(model)
    ensemble = make_ensemble(models)
    expect(isinstance(ensemble, keras.Model), f"make_ensemble must return a keras.Model, got "
           f"{type(ensemble).__name__}")
    return {"output": np.asarray(ensemble(ids, training=False))}
