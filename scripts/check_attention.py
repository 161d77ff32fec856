#!/usr/bin/env python3
"""
check_attention.py -- recomputes what `raw-weights attention` prints, from the
run export alone, with the numpy forward pass of check_export.py (written
independently of the Rust brain), and compares every number.

    raw-weights attention --load RUN.json --text anna > LOOK.json
    python3 scripts/check_attention.py RUN.json LOOK.json [--tol 1e-6]

The text is read from LOOK.json's tokens (BOS, then the letters). Checked:
  * tokens: BOS followed by the ids of the letters, in the export's vocabulary
  * attention [layer][head][query][key]: query t lists keys 0..=t, each row
    sums to 1, every weight equals the recomputed softmax(q.k / sqrt(hd))
  * votes [position][token]: the logits at each position
  * score: the mean -ln p of each next letter over BOS + text + BOS
Numbers are compared as |ours - theirs| <= tol * max(1, |ours|): the brain
computes in float32, this script in float64.

Exit codes: 0 pass, 1 fail, 2 bad input.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_export as ref  # noqa: E402  (the independent forward pass)

np = ref.np


class Mismatch:
    def __init__(self, tol):
        self.tol = tol
        self.worst = 0.0
        self.where = "nothing"

    def compare(self, ours, theirs, where):
        ours = np.asarray(ours, dtype=np.float64)
        theirs = np.asarray(theirs, dtype=np.float64)
        if ours.shape != theirs.shape:
            raise ref.BadInput(f"{where} has shape {list(theirs.shape)}, expected {list(ours.shape)}")
        err = np.abs(ours - theirs) / np.maximum(1.0, np.abs(ours))
        worst = float(np.max(err)) if err.size else 0.0
        if not worst <= self.worst:  # also catches NaN
            self.worst, self.where = worst, where


def load_json(path, what):
    try:
        with open(path) as fh:
            return json.load(fh)
    except OSError as e:
        raise ref.BadInput(f"cannot read {what} {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise ref.BadInput(f"{what} {path} is not valid JSON: {e}")


def check(args):
    run = load_json(args.export, "run export")
    if run.get("model") != "gpt":
        raise ref.BadInput("the export's model is not the tiny GPT; attention needs it")
    cfg = run["config"]
    n_layer, n_head, n_embd, block = cfg["n_layer"], cfg["n_head"], cfg["n_embd"], cfg["block_size"]
    vocab = run["vocab"]
    bos, V = len(vocab), len(vocab) + 1
    shapes = ref.param_shapes(V, n_embd, block, n_layer)
    params = ref.load_params(run["final"], shapes, "final", np.float64)

    look = load_json(args.look, "attention output")
    for key in ("tokens", "attention", "votes", "score"):
        if key not in look:
            raise ref.BadInput(f"the attention output has no '{key}'")
    tokens = look["tokens"]
    if not tokens or tokens[0] != bos or any(not 0 <= t < bos for t in tokens[1:]):
        raise ref.BadInput(f"tokens must be BOS ({bos}) followed by letter ids, got {tokens}")
    text = "".join(vocab[t] for t in tokens[1:])
    if len(tokens) > block:
        raise ref.BadInput(f"{len(tokens)} tokens do not fit block_size {block}")

    inputs = np.array(tokens)
    targets = np.array(tokens[1:] + [bos])
    loss, cache = ref.forward(params, inputs, targets, n_layer, n_head)
    logits = cache["x_final"] @ params["lm_head"].T
    n = len(tokens)

    m = Mismatch(args.tol)
    att = look["attention"]
    if len(att) != n_layer or any(len(heads) != n_head for heads in att):
        raise ref.BadInput(f"attention is not [{n_layer} layers][{n_head} heads]")
    worst_sum = 0.0
    for layer in range(n_layer):
        weights = cache["layers"][layer]["attn_w"]  # [head, query, key]
        for head in range(n_head):
            rows = att[layer][head]
            if len(rows) != n:
                raise ref.BadInput(f"attention[{layer}][{head}] has {len(rows)} queries, expected {n}")
            for t, row in enumerate(rows):
                if len(row) != t + 1:
                    raise ref.BadInput(
                        f"attention[{layer}][{head}][{t}] lists {len(row)} keys, expected {t + 1} (0..={t})")
                worst_sum = max(worst_sum, abs(sum(row) - 1.0))
                m.compare(weights[head, t, :t + 1], row, f"attention[{layer}][{head}][{t}]")
                if np.any(weights[head, t, t + 1:] != 0.0):
                    raise ref.BadInput("the recomputed attention looks at the future")
    m.compare(logits, look["votes"], "votes")
    m.compare(loss, look["score"], "score")

    passed = m.worst <= args.tol and worst_sum <= args.tol * 10
    print(f"text {text!r}: {n} positions, {n_layer} layer(s) x {n_head} heads; "
          f"worst relative difference {m.worst:.2e} at {m.where}; rows sum to 1 within {worst_sum:.1e}; "
          f"score ours {loss:.7f} vs brain {look['score']:.7f}; "
          f"{'PASS' if passed else 'FAIL'} (tol {args.tol:g})")
    return 0 if passed else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description="Recompute and check `raw-weights attention` output.")
    ap.add_argument("export", help="the run's JSON export (train --export)")
    ap.add_argument("look", help="the JSON printed by raw-weights attention --load EXPORT --text ...")
    ap.add_argument("--tol", type=float, default=1e-6)
    args = ap.parse_args(argv)
    try:
        return check(args)
    except ref.BadInput as e:
        print(f"check_attention.py: bad input: {e}")
        return 2
    except (KeyError, TypeError, ValueError) as e:
        print(f"check_attention.py: bad input: {type(e).__name__}: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
