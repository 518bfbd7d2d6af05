"""Typical slips: the wrong answers a student plausibly writes, per exercise (issue 36, item 3).

``bench/check_mutants.py`` makes mutants from the solution's syntax tree; this file holds the slips
a person would make and a tree walk would not guess: a transpose left out, a missing term, the wrong
axis, an off-by-one, a flag or an argument ignored, a wrong initial value, state not carried. Each
is one text replacement in the exercise's solution (the dedented region that ``labkit.assign``
blanks), written as ``(name, old, new)``: ``old`` must occur exactly once in exactly one region, so
a lesson edit that makes a slip stale fails ``tests/test_bench_audit_checks.py`` instead of
auditing nothing. ``slips(lesson, number, sources)`` returns them as :class:`check_mutants.Mutant` s
(kind ``slip: <name>``), which ``bench/audit_checks.py`` runs beside the tree mutants.
"""

import ast

from check_mutants import Mutant

# (lesson number, exercise number) -> [(slip, text in the solution, what the student wrote instead)]
SLIPS = {
    # 01 RNN from scratch
    ("01", 1): [
        ("no transpose of W_hh", "ops.transpose(self.W_hh)", "self.W_hh"),
        ("recurrent term dropped", "ops.matmul(h, ops.transpose(self.W_hh))\n                 + ", ""),
        ("input term dropped", "\n                 + ops.matmul(x, ops.transpose(self.W_xh))", ""),
        ("no tanh", "h_new = ops.tanh(", "h_new = ("),
        ("output from the old state", "y = ops.matmul(h_new,", "y = ops.matmul(h,"),
        ("W_hy shape transposed", "shape=(output_dim, rnn_units)", "shape=(rnn_units, output_dim)"),
    ],
    ("01", 2): [
        ("h not carried", "\nh = h_new\n", "\n"),
        ("mask ignored", "if mask is not None:", "if False:"),
        ("padding zeroes the state", "keep * h_new + (1.0 - keep) * h", "keep * h_new"),
        ("mask one step off", "mask[:, t, None]", "mask[:, t - 1, None]"),
        ("step taken along the batch axis", "cell(x_seq[:, t], h)", "cell(x_seq[t], h)"),
        ("old state collected", "h = h_new\nys.append(y)\nhs.append(h)",
         "ys.append(y)\nhs.append(h)\nh = h_new"),
    ],
    ("01", 3): [
        ("from_logits dropped", ", from_logits=True", ""),
        ("categorical instead of sparse", "sparse_categorical_crossentropy", "categorical_crossentropy"),
        ("mask ignored", "loss_t * ops.cast(step_mask, \"float32\")", "loss_t"),
        ("mean over time instead of sum", "ops.mean(ops.sum(", "ops.mean(ops.mean("),
        ("summed over the batch", "ops.mean(ops.sum(", "ops.sum(ops.sum("),
        ("time sum over the batch axis", "axis=1)", "axis=0)"),
    ],
    # 02 vanishing gradients and LSTM
    ("02", 1): [
        ("W_hh transposed", "through_tanh @ W_hh", "through_tanh @ W_hh.T"),
        ("tanh' left out", "upstream * (1 - states[:, t] ** 2)", "upstream"),
        ("tanh' as 1 - h", "states[:, t] ** 2", "states[:, t]"),
        ("tanh' of the previous step", "states[:, t] ** 2", "states[:, t - 1] ** 2"),
        ("upstream skips tanh'", "upstream = through_tanh @ W_hh", "upstream = upstream @ W_hh"),
        ("gradient not sent back", "upstream = through_tanh @ W_hh", "pass"),
    ],
    ("02", 2): [
        ("forget bias started at 0", "initializer=\"ones\"", "initializer=\"zeros\""),
        ("[x, h] in place of [h, x]", "concatenate([h, x]", "concatenate([x, h]"),
        ("forget bias dropped", " + self.b_f", ""),
        ("candidate through a sigmoid", "c_candidate = ops.tanh(", "c_candidate = ops.sigmoid("),
        ("old cell state not forgotten", "c_new = f * c + ", "c_new = c + "),
        ("no tanh on the cell state", "o * ops.tanh(c_new)", "o * c_new"),
        ("output from the old cell state", "ops.tanh(c_new)", "ops.tanh(c)"),
    ],
    ("02", 3): [
        ("c not carried", "h, c = cell(", "h, _ = cell("),
        ("h not carried", "h, c = cell(x_seq[:, t], h, c)  # (batch, units) each\nhs.append(h)",
         "h_new, c = cell(x_seq[:, t], h, c)\nhs.append(h_new)"),
        ("h and c swapped in the call", ", h, c)", ", c, h)"),
        ("h and c swapped in the result", "h, c = cell(", "c, h = cell("),
        ("step taken along the batch axis", "x_seq[:, t]", "x_seq[t]"),
        ("state collected before the step",
         "h, c = cell(x_seq[:, t], h, c)  # (batch, units) each\nhs.append(h)",
         "hs.append(h)\nh, c = cell(x_seq[:, t], h, c)"),
    ],
    # 03 sentiment classification
    ("03", 1): [
        ("not lower-cased", "texts = tf.strings.lower(texts)\n", ""),
        ("https links missed", "https?://", "http://"),
        ("link stops at the first dot", r"\S+", r"\w+"),
        ("marks not spaced", r'r" \1 "', r'r"\1"'),
        ("marks deleted", r'r" \1 "', '" "'),
        ("hyphen makes a range", '*/-]', '-*/]'),
    ],
    ("03", 2): [
        ("mask argument ignored", "mask_zero=mask", "mask_zero=True"),
        ("no mask", ", mask_zero=mask", ""),
        ("kind ignored", "recurrent_layer = keras.layers.Bidirectional(recurrent_layer)", "pass"),
        ("no softmax", ", activation=\"softmax\"", ""),
        ("sigmoid output", "activation=\"softmax\"", "activation=\"sigmoid\""),
        ("LSTM returns sequences", "keras.layers.LSTM(64)", "keras.layers.LSTM(64, return_sequences=True)"),
    ],
    ("03", 3): [
        ("only the first member", "keras.layers.Average()([m(tweet_ids) for m in members])",
         "members[0](tweet_ids)"),
        ("sum instead of average", "keras.layers.Average()", "keras.layers.Add()"),
        ("concatenated instead of averaged", "keras.layers.Average()", "keras.layers.Concatenate()"),
        ("maximum instead of average", "keras.layers.Average()", "keras.layers.Maximum()"),
        ("fixed input length", "keras.Input((None,)", "keras.Input((40,)"),
    ],
    # 04 music generation
    ("04", 1): [
        ("from_logits dropped", ", from_logits=True", ""),
        ("categorical instead of sparse", "sparse_categorical_crossentropy", "categorical_crossentropy"),
        ("summed over time", "tf.reduce_mean(per_step, axis=1)", "tf.reduce_sum(per_step, axis=1)"),
        ("summed over the batch", "tf.nn.compute_average_loss(", "tf.reduce_sum("),
        ("bits instead of nats", "axis=1))", "axis=1) / tf.math.log(2.0))"),
        ("targets shifted twice", "(labels, logits,", "(labels[:, 1:], logits[:, :-1],"),
    ],
    ("04", 2): [
        ("training=True dropped", "model(x, training=True)", "model(x)"),
        ("loss outside the tape", "\n    loss = compute_loss", "\nloss = compute_loss"),
        ("labels and logits swapped", "compute_loss(y, logits)", "compute_loss(logits, y)"),
        ("inputs as targets", "compute_loss(y, logits)", "compute_loss(x, logits)"),
        ("weights never updated", "optimizer.apply_gradients(zip(gradients, model.trainable_variables))",
         "pass"),
    ],
    ("04", 3): [
        ("temperature multiplied", "/ temperature", "* temperature"),
        ("temperature ignored", " / temperature", ""),
        ("argmax instead of sampling", "tf.random.categorical(logits, 1, dtype=tf.int32)[:, 0]",
         "tf.argmax(logits, axis=-1, output_type=tf.int32)"),
        ("probabilities passed as logits", "dense(output) / temperature",
         "tf.nn.softmax(dense(output) / temperature)"),
        ("state not carried", "output, (h, c)", "output, _"),
        ("h and c swapped", "[h, c]", "[c, h]"),
    ],
    # 05 attention
    ("05", 1): [
        ("softmax over the query axis", "axis=-1", "axis=1"),
        ("padding not masked", "scores = ops.where(source_mask[:, None, :], scores, -1e9)", ""),
        ("masked scores set to 0", "-1e9", "0.0"),
        ("mask on the query axis", "source_mask[:, None, :]", "source_mask[:, :, None]"),
        ("W transposed", "\"bqu,uv,bkv->bqk\"", "\"bqu,vu,bkv->bqk\""),
        ("W left out", "\"bqu,uv,bkv->bqk\", decoder_states, self.w,", "\"bqu,bku->bqk\", decoder_states,"),
    ],
    ("05", 2): [
        ("divided by d_k", "/ ops.sqrt(d_k)", "/ d_k"),
        ("no scaling", " / ops.sqrt(d_k)", ""),
        ("scaled by the number of keys", "ops.shape(k)[-1]", "ops.shape(k)[-2]"),
        ("no transpose of K", "ops.swapaxes(k, -1, -2)", "k"),
        ("softmax over the query axis", "axis=-1", "axis=-2"),
        ("masked scores set to 0", "-1e9", "0.0"),
        ("mask inverted", "ops.where(mask, scores, -1e9)", "ops.where(mask, -1e9, scores)"),
    ],
    ("05", 3): [
        ("heads merged without transpose",
         "ops.reshape(ops.transpose(heads, (0, 2, 1, 3)), (batch, length, -1))",
         "ops.reshape(heads, (batch, length, -1))"),
        ("mask not passed", "(q, k, v, mask)", "(q, k, v)"),
        ("keys from the query weights", "ops.matmul(x, self.w_key)", "ops.matmul(x, self.w_query)"),
        ("no output projection", "ops.matmul(merged, self.w_output) + self.b_output", "merged"),
        ("value bias dropped", " + self.b_value", ""),
        ("output bias dropped", " + self.b_output", ""),
    ],
    ("05", 4): [
        ("sin and cos swapped", "np.sin(angles), np.cos(angles)", "np.cos(angles), np.sin(angles)"),
        ("i in place of 2i", "np.arange(0, depth, 2) / depth", "np.arange(depth // 2) / depth"),
        ("frequency not inverted", "1.0 / 10000 **", "10000 **"),
        ("positions start at 1", "np.arange(length)", "np.arange(1, length + 1)"),
        ("positions not a column", "[:, None]", ""),
        ("sines and cosines in halves", "encoding[:, 0::2], encoding[:, 1::2]",
         "encoding[:, :depth // 2], encoding[:, depth // 2:]"),
    ],
    ("05", 5): [
        ("mask not passed", "self.attention(x, attention_mask=attention_mask)", "self.attention(x)"),
        ("no attention residual", "self.norm_attention(x + ", "self.norm_attention("),
        ("no feed-forward residual", "self.norm_feed_forward(x + ", "self.norm_feed_forward("),
        ("dropout always on", "attended, training=training", "attended, training=True"),
        ("norm inside the residual branch",
         "self.norm_attention(x + self.drop_attention(attended, training=training))",
         "x + self.norm_attention(self.drop_attention(attended, training=training))"),
        ("one norm for both sublayers", "self.norm_feed_forward(x + ", "self.norm_attention(x + "),
    ],
    # 06 forecasting
    ("06", 1): [
        ("last window left out", "horizon + 1)", "horizon)"),
        ("horizon left out of the starts", "time - k - horizon + 1", "time - k + 1"),
        ("target starts inside the window", "s + k:s + k + horizon", "s + k - 1:s + k - 1 + horizon"),
        ("input window one frame short", "tracks[:, s:s + k]", "tracks[:, s:s + k - 1]"),
        ("windows ordered start by start",
         "axis=1)  # (n, starts, k, features)\n"
         "targets = np.stack([tracks[:, s + k:s + k + horizon] for s in starts], axis=1)",
         "axis=0)\ntargets = np.stack([tracks[:, s + k:s + k + horizon] for s in starts], axis=0)"),
    ],
    ("06", 2): [
        ("no intercept", "np.ones((m, 1))", "np.zeros((m, 1))"),
        ("bias from the first row", "solution[:-1], solution[-1]", "solution[1:], solution[0]"),
        ("bias row left in the weights", "solution[:-1], ", "solution, "),
        ("ones column put first", "[np.reshape(inputs, (m, -1)), np.ones((m, 1))]",
         "[np.ones((m, 1)), np.reshape(inputs, (m, -1))]"),
        ("flattened feature by feature", "np.reshape(inputs, (m, -1))",
         "np.reshape(np.swapaxes(inputs, 1, 2), (m, -1))"),
    ],
    ("06", 3): [
        ("mean over the features", "ops.sum(ops.square(error), axis=-1)",
         "ops.mean(ops.square(error), axis=-1)"),
        ("absolute error", "ops.square(error)", "ops.abs(error)"),
        ("mask ignored", "squared * ops.cast(mask, \"float32\")", "squared"),
        ("mean over time instead of sum", "ops.mean(ops.sum(squared", "ops.mean(ops.mean(squared"),
        ("summed over the batch", "return ops.mean(", "return ops.sum("),
        ("time sum over the batch axis", "axis=1)", "axis=0)"),
    ],
    ("06", 4): [
        ("predictions not fed back", "sequence = np.concatenate([sequence, next_frame], axis=1)", "pass"),
        ("first row taken", "[:, -1:]", "[:, :1]"),
        ("model sees only the last frame", "model(sequence)", "model(sequence[:, -1:])"),
        ("one frame too few", "range(horizon)", "range(horizon - 1)"),
        ("prefix returned too", "return np.concatenate(drawn, axis=1)", "return sequence"),
        ("appended along the batch axis", "[sequence, next_frame], axis=1)",
         "[sequence, next_frame], axis=0)"),
    ],
    # 07 transformer music
    ("07", 1): [
        ("upper triangle", "np.tril(", "np.triu("),
        ("diagonal hidden", "dtype=bool))", "dtype=bool), -1)"),
        ("next key visible", "dtype=bool))", "dtype=bool), 1)"),
        ("nothing hidden", "np.tril(np.ones((length, length), dtype=bool))",
         "np.ones((length, length), dtype=bool)"),
        ("True where hidden", "np.tril(", "~np.tril("),
    ],
    ("07", 2): [
        ("causal flag ignored", "if self.causal:", "if True:"),
        ("softmax over the query axis", "axis=-1), v)", "axis=-2), v)"),
        ("new key and value not cached", "(ops.where(written, new, old) for new, old in zip((k, v), cache))",
         "cache"),
        ("own position hidden", "<= position", "< position"),
        ("unwritten slots not masked", "ops.where(ops.arange(self.max_length) <= position, scores, -1e9)",
         "scores"),
        ("no scaling in the step", " / np.sqrt(self.key_dim)", ""),
        ("updated cache not returned", "[:, 0], (keys, values)", "[:, 0], cache"),
    ],
    ("07", 3): [
        ("post-norm", "x = x + self.attention(self.norm1(x))", "x = self.norm1(x + self.attention(x))"),
        ("no attention residual", "x = x + self.attention(", "x = self.attention("),
        ("no MLP residual", "return x + self.project(", "return self.project("),
        ("MLP without norm2", "self.expand(self.norm2(x))", "self.expand(x)"),
        ("step without norm1", "self.attention.step(self.norm1(x_t),", "self.attention.step(x_t,"),
        ("step's MLP reads the input", "x_t = x_t + attended\nreturn x_t + ",
         "out = x_t + attended\nreturn out + "),
        ("new cache dropped", "attended, cache = ", "attended, _ = "),
    ],
    # 08 image captioning
    ("08", 1): [
        ("no tanh", "h = ops.tanh(flat @ self.w_h + self.b_h)", "h = flat @ self.w_h + self.b_h"),
        ("c from the h weights", "flat @ self.w_c + self.b_c", "flat @ self.w_h + self.b_h"),
        ("flattened depth by depth", "ops.reshape(features,",
         "ops.reshape(ops.transpose(features, (0, 2, 1)),"),
        ("h bias dropped", " + self.b_h", ""),
        ("c starts at zero", "c = ops.tanh(flat @ self.w_c + self.b_c)", "c = ops.zeros_like(h)"),
        ("c through a sigmoid", "c = ops.tanh(", "c = ops.sigmoid("),
    ],
    ("08", 2): [
        ("no PAD after END", "np.where(done, PAD, np.argmax(next_log_probs(prefixes), axis=-1))",
         "np.argmax(next_log_probs(prefixes), axis=-1)"),
        ("argmin", "np.argmax", "np.argmin"),
        ("argmax over the images", "axis=-1))", "axis=0))"),
        ("done overwritten each step", "done |= words == END", "done = words == END"),
        ("prefixes not extended", "prefixes = np.concatenate(", "captions = np.concatenate("),
        ("one step short", "range(length)", "range(length - 1)"),
    ],
    ("08", 3): [
        ("keeps scoring after END", "np.where(done[..., None], finished, log_probs)", "log_probs"),
        ("finished beams grow by END", "np.arange(vocabulary) == PAD", "np.arange(vocabulary) == END"),
        ("worst candidates kept", "np.argsort(-candidates", "np.argsort(candidates"),
        ("index split by the beam width", "best // vocabulary, best % vocabulary",
         "best // beam_width, best % beam_width"),
        ("scores not updated", "scores = np.take_along_axis(candidates, best, axis=1)", "pass"),
        ("done not following its parent", "np.take_along_axis(done, parents, axis=1) | ", "done | "),
        ("prefixes not following their parent", "np.take_along_axis(prefixes, parents[..., None], axis=1)",
         "prefixes"),
    ],
    ("08", 4): [
        ("softmax over the words", "softmax(scores, axis=-1)", "softmax(scores, axis=1)"),
        ("dot-product score",
         "ops.sum(ops.tanh(queries[:, :, None, :] + keys[:, None, :, :]) * self.v, axis=-1)",
         "ops.einsum(\"btu,bwu->btw\", queries, keys)"),
        ("no tanh", "ops.tanh(queries", "(queries"),
        ("v left out", " * self.v", ""),
        ("scores transposed", "queries[:, :, None, :] + keys[:, None, :, :]",
         "queries[:, None, :, :] + keys[:, :, None, :]"),
        ("context from the projected keys", "weights, features)", "weights, keys)"),
    ],
}


def slips(lesson, number, sources):
    """The slips of exercise ``number`` of ``lesson`` ("01" or "01_rnn_from_scratch") as Mutants of
    ``sources`` (the solution's dedented regions). A stale slip raises ValueError naming it."""
    found = []
    for name, old, new in SLIPS.get((lesson[:2], number), []):
        where = [r for r, source in enumerate(sources) if old in source]
        if len(where) != 1 or sources[where[0]].count(old) != 1:
            raise ValueError(f"slip {name!r} of {lesson[:2]} exercise {number}: {old!r} should occur once in "
                             f"the solution, found it {sum(s.count(old) for s in sources)} times")
        region = where[0]
        text = ast.unparse(ast.parse(sources[region].replace(old, new)))
        regions = [ast.unparse(ast.parse(s)) for s in sources]
        found.append(Mutant(f"slip: {name}", region, old, new,
                            tuple(regions[:region] + [text] + regions[region + 1:])))
    return found
