#!/usr/bin/env python3
"""
check_export.py -- an independent reference implementation that re-runs a
training-run export and checks it.

The export is a JSON object written by the Rust trainer.  It holds the initial
parameters ("init"), the loss at every step ("losses") and the parameters after
the last step ("final").  This script starts from "init", re-runs the training
steps with its own numpy forward pass and its own hand-derived backward pass,
and compares:

  * each step's loss with losses[k]                      (judged against --tol)
  * the final parameters with "final" (only if all steps are re-run;
    reported, and judged only when --param-tol is given)

Only the combination model == "gpt", optimizer == "adam", schedule == "linear"
is checked.

The model is the architecture of Karpathy's microgpt: a GPT with rmsnorm (no
gain), no biases, ReLU MLP, and an extra rmsnorm right after the embeddings.

Usage
-----
    python3 scripts/check_export.py RUN.json [--steps K] [--dtype float64|float32]
                                             [--tol 1e-4] [--param-tol T]
    python3 scripts/check_export.py --self-test

Exit codes: 0 pass, 1 fail, 2 bad input (or unsupported configuration).

Conventions used throughout
---------------------------
  * A weight matrix W has its rows as outputs: y = W @ x.  With a whole
    sequence stored row-wise as X (shape [n, in]) that is Y = X @ W.T.
  * n      = number of positions in the sequence being trained on
  * d      = n_embd, H = n_head, hd = head_dim = d / H, V = vocabulary size
  * For every forward quantity `foo` the gradient of the loss with respect to it
    is called `dfoo`.
"""

import argparse
import json
import math
import sys
import time

try:
    import numpy as np
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        "check_export.py: numpy is not importable. Install it with:  pip install numpy\n"
    )
    sys.exit(2)


RMSNORM_EPS = 1e-5  # the epsilon inside rmsnorm: x / sqrt(mean(x**2) + 1e-5)


class BadInput(Exception):
    """Raised for a malformed export; reported as one line and exit code 2."""


# -----------------------------------------------------------------------------
# Parameter names and shapes
# -----------------------------------------------------------------------------

def param_shapes(V, n_embd, block_size, n_layer):
    """Name -> shape of every parameter tensor, in a fixed order."""
    d = n_embd
    shapes = {
        "wte": (V, d),             # token embedding table
        "wpe": (block_size, d),    # position embedding table
        "lm_head": (V, d),         # final projection to the logits
    }
    for i in range(n_layer):
        shapes[f"layer{i}.attn_wq"] = (d, d)
        shapes[f"layer{i}.attn_wk"] = (d, d)
        shapes[f"layer{i}.attn_wv"] = (d, d)
        shapes[f"layer{i}.attn_wo"] = (d, d)
        shapes[f"layer{i}.mlp_fc1"] = (4 * d, d)
        shapes[f"layer{i}.mlp_fc2"] = (d, 4 * d)
    return shapes


# -----------------------------------------------------------------------------
# Building blocks: rmsnorm and softmax, each with its backward
# -----------------------------------------------------------------------------

def rmsnorm_forward(x):
    """
    y = x * s   with   s = 1 / sqrt(mean(x**2) + eps),   row by row.
    Returns y and the per-row scale s (shape [n, 1]) for the backward pass.
    """
    ms = np.mean(x * x, axis=-1, keepdims=True)
    s = 1.0 / np.sqrt(ms + x.dtype.type(RMSNORM_EPS))
    return x * s, s


def rmsnorm_backward(x, s, dy):
    """
    Gradient of y = x * s(x) with respect to x, row by row.

      ds/dx_j = -s**3 * x_j / d
      dx_j    = s * dy_j + sum_i dy_i * x_i * ds/dx_j
              = s * dy_j - s**3 * x_j * mean_i(dy_i * x_i)
    """
    mean_dyx = np.mean(dy * x, axis=-1, keepdims=True)
    return s * dy - (s ** 3) * x * mean_dyx


def softmax(z):
    """Softmax over the last axis (shifted by the max for numerical safety)."""
    z = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_backward(w, dw):
    """
    w = softmax(z) over the last axis.  dz_j = w_j * (dw_j - sum_i w_i dw_i).
    Entries with w == 0 (the masked, future positions) get dz == 0.
    """
    return w * (dw - np.sum(w * dw, axis=-1, keepdims=True))


# -----------------------------------------------------------------------------
# The model: forward pass (vectorised over positions) and backward pass
# -----------------------------------------------------------------------------

def forward(params, inputs, targets, n_layer, n_head):
    """
    Forward pass over one sequence of n positions at once.

    Position pos attends to itself and to every earlier position; this is
    exactly what the position-by-position formulation with a key/value cache
    computes, written here with a causal mask.

    Returns the mean cross-entropy loss and a cache of intermediates.
    """
    wte, wpe, lm_head = params["wte"], params["wpe"], params["lm_head"]
    dtype = wte.dtype
    n = len(inputs)
    d = wte.shape[1]
    H = n_head
    hd = d // H
    scale = dtype.type(1.0 / math.sqrt(hd))

    # Causal mask: position t may look at positions s <= t.
    causal = np.tril(np.ones((n, n), dtype=bool))

    # Embeddings, then an rmsnorm before the first layer.
    emb = wte[inputs] + wpe[:n]                         # [n, d]
    x, s_emb = rmsnorm_forward(emb)

    layers = []
    for i in range(n_layer):
        attn_wq = params[f"layer{i}.attn_wq"]
        attn_wk = params[f"layer{i}.attn_wk"]
        attn_wv = params[f"layer{i}.attn_wv"]
        attn_wo = params[f"layer{i}.attn_wo"]
        mlp_fc1 = params[f"layer{i}.mlp_fc1"]
        mlp_fc2 = params[f"layer{i}.mlp_fc2"]
        c = {}

        # ---- 1) multi-head causal self-attention, with a residual ----
        c["x_in"] = x                                   # residual stream in
        h, c["s_attn"] = rmsnorm_forward(x)
        c["h_attn"] = h
        q = h @ attn_wq.T                               # [n, d]
        k = h @ attn_wk.T
        v = h @ attn_wv.T
        # split into heads: [n, d] -> [H, n, hd]; head hh is columns hh*hd:(hh+1)*hd
        q_h = q.reshape(n, H, hd).transpose(1, 0, 2)
        k_h = k.reshape(n, H, hd).transpose(1, 0, 2)
        v_h = v.reshape(n, H, hd).transpose(1, 0, 2)
        scores = (q_h @ k_h.transpose(0, 2, 1)) * scale  # [H, n, n]; [hh, t, s]
        scores = np.where(causal, scores, -np.inf)
        attn_w = softmax(scores)                        # future entries are 0
        out_h = attn_w @ v_h                            # [H, n, hd]
        out = out_h.transpose(1, 0, 2).reshape(n, d)    # concat the heads
        x = out @ attn_wo.T + c["x_in"]
        c.update(q_h=q_h, k_h=k_h, v_h=v_h, attn_w=attn_w, out=out)

        # ---- 2) MLP (fc1 -> relu -> fc2), with a residual ----
        c["x_mid"] = x
        h2, c["s_mlp"] = rmsnorm_forward(x)
        c["h_mlp"] = h2
        f = h2 @ mlp_fc1.T                              # [n, 4d]
        r = np.maximum(f, 0)
        x = r @ mlp_fc2.T + c["x_mid"]
        c.update(f=f, r=r)
        layers.append(c)

    logits = x @ lm_head.T                              # [n, V]
    probs = softmax(logits)
    loss = -np.mean(np.log(probs[np.arange(n), targets]))

    cache = dict(inputs=inputs, targets=targets, emb=emb, s_emb=s_emb,
                 layers=layers, x_final=x, probs=probs, scale=scale)
    return loss, cache


def backward(params, cache, n_layer, n_head):
    """
    Gradient of the mean loss with respect to every parameter, by hand,
    walking the forward pass in reverse.  Returns name -> gradient array.
    """
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    inputs, targets = cache["inputs"], cache["targets"]
    probs, scale = cache["probs"], cache["scale"]
    n, V = probs.shape
    d = params["wte"].shape[1]
    H = n_head
    hd = d // H

    # loss = mean_t -log softmax(logits_t)[target_t]
    #   => dlogits_t = (softmax(logits_t) - onehot(target_t)) / n
    dlogits = probs.copy()
    dlogits[np.arange(n), targets] -= 1.0
    dlogits /= n

    # logits = x @ lm_head.T
    grads["lm_head"] = dlogits.T @ cache["x_final"]
    dx = dlogits @ params["lm_head"]                    # [n, d]

    for i in reversed(range(n_layer)):
        c = cache["layers"][i]
        attn_wq = params[f"layer{i}.attn_wq"]
        attn_wk = params[f"layer{i}.attn_wk"]
        attn_wv = params[f"layer{i}.attn_wv"]
        attn_wo = params[f"layer{i}.attn_wo"]
        mlp_fc1 = params[f"layer{i}.mlp_fc1"]
        mlp_fc2 = params[f"layer{i}.mlp_fc2"]

        # ---- MLP block: x_out = fc2 relu(fc1 rmsnorm(x_mid)) + x_mid ----
        grads[f"layer{i}.mlp_fc2"] = dx.T @ c["r"]
        dr = dx @ mlp_fc2
        df = dr * (c["f"] > 0)                          # relu passes where f > 0
        grads[f"layer{i}.mlp_fc1"] = df.T @ c["h_mlp"]
        dh2 = df @ mlp_fc1
        # the residual path carries dx straight through
        dx = dx + rmsnorm_backward(c["x_mid"], c["s_mlp"], dh2)

        # ---- attention block: x_mid = Wo concat(out_h) + x_in ----
        grads[f"layer{i}.attn_wo"] = dx.T @ c["out"]
        dout = dx @ attn_wo                             # [n, d]
        dout_h = dout.reshape(n, H, hd).transpose(1, 0, 2)   # [H, n, hd]
        q_h, k_h, v_h, attn_w = c["q_h"], c["k_h"], c["v_h"], c["attn_w"]
        # out_h = attn_w @ v_h
        dattn_w = dout_h @ v_h.transpose(0, 2, 1)       # [H, n, n]
        dv_h = attn_w.transpose(0, 2, 1) @ dout_h       # [H, n, hd]
        # attn_w = softmax(scores) (masked entries have attn_w = 0 -> no gradient)
        dscores = softmax_backward(attn_w, dattn_w)
        # scores = q_h @ k_h.T * scale
        dq_h = (dscores @ k_h) * scale
        dk_h = (dscores.transpose(0, 2, 1) @ q_h) * scale
        # merge the heads back: [H, n, hd] -> [n, d]
        dq = dq_h.transpose(1, 0, 2).reshape(n, d)
        dk = dk_h.transpose(1, 0, 2).reshape(n, d)
        dv = dv_h.transpose(1, 0, 2).reshape(n, d)
        h = c["h_attn"]
        grads[f"layer{i}.attn_wq"] = dq.T @ h
        grads[f"layer{i}.attn_wk"] = dk.T @ h
        grads[f"layer{i}.attn_wv"] = dv.T @ h
        dh = dq @ attn_wq + dk @ attn_wk + dv @ attn_wv
        dx = dx + rmsnorm_backward(c["x_in"], c["s_attn"], dh)

    # x0 = rmsnorm(emb), emb = wte[inputs] + wpe[0:n]
    demb = rmsnorm_backward(cache["emb"], cache["s_emb"], dx)
    np.add.at(grads["wte"], inputs, demb)               # a token may repeat
    grads["wpe"][:n] += demb
    return grads


def loss_and_grads(params, inputs, targets, n_layer, n_head):
    loss, cache = forward(params, inputs, targets, n_layer, n_head)
    return loss, backward(params, cache, n_layer, n_head)


# -----------------------------------------------------------------------------
# A deliberately plain, position-by-position forward pass (used by the
# self-test only, to confirm the vectorised causal-mask version above matches
# the "process positions in order with a key/value cache" description).
# -----------------------------------------------------------------------------

def forward_loop(params, inputs, targets, n_layer, n_head):
    d = params["wte"].shape[1]
    hd = d // n_head
    keys = [[] for _ in range(n_layer)]
    values = [[] for _ in range(n_layer)]

    def rms(x):
        return x / math.sqrt(float(np.mean(x * x)) + RMSNORM_EPS)

    total = 0.0
    for pos, (tok, tgt) in enumerate(zip(inputs, targets)):
        x = rms(params["wte"][tok] + params["wpe"][pos])
        for i in range(n_layer):
            res = x
            h = rms(x)
            q = params[f"layer{i}.attn_wq"] @ h
            keys[i].append(params[f"layer{i}.attn_wk"] @ h)
            values[i].append(params[f"layer{i}.attn_wv"] @ h)
            heads = []
            for hh in range(n_head):
                sl = slice(hh * hd, (hh + 1) * hd)
                scores = [float(q[sl] @ k_s[sl]) / math.sqrt(hd) for k_s in keys[i]]
                mx = max(scores)
                e = [math.exp(sc - mx) for sc in scores]
                w = [ei / sum(e) for ei in e]
                heads.append(sum(w_s * v_s[sl] for w_s, v_s in zip(w, values[i])))
            x = params[f"layer{i}.attn_wo"] @ np.concatenate(heads) + res
            res = x
            h = rms(x)
            x = params[f"layer{i}.mlp_fc2"] @ np.maximum(params[f"layer{i}.mlp_fc1"] @ h, 0) + res
        logits = params["lm_head"] @ x
        mx = max(logits)
        logsumexp = mx + math.log(sum(math.exp(l - mx) for l in logits))
        total += logsumexp - logits[tgt]
    return total / len(inputs)


# -----------------------------------------------------------------------------
# Data: docs -> (inputs, targets)
# -----------------------------------------------------------------------------

def make_example(doc, stoi, bos, block_size):
    """tokens = [BOS] + ids(doc) + [BOS]; n = min(block_size, len(tokens) - 1)."""
    tokens = [bos] + [stoi[ch] for ch in doc] + [bos]
    n = min(block_size, len(tokens) - 1)
    return np.array(tokens[:n]), np.array(tokens[1:n + 1])


# -----------------------------------------------------------------------------
# Training: Adam with a linearly decaying learning rate
# -----------------------------------------------------------------------------

def train(params, docs, stoi, bos, cfg, n_steps, on_step=None):
    """
    Runs steps k = 0 .. n_steps-1 in place on `params`; returns the losses.
    The learning rate decays over cfg["steps"] (the run's full length), not
    over n_steps, so a partial re-run follows the same schedule.
    """
    dtype = params["wte"].dtype
    lr, beta1, beta2, eps = cfg["lr"], cfg["beta1"], cfg["beta2"], cfg["eps"]
    N = cfg["steps"]
    m = {name: np.zeros_like(p) for name, p in params.items()}  # 1st moment
    v = {name: np.zeros_like(p) for name, p in params.items()}  # 2nd moment
    losses = []
    for k in range(n_steps):
        doc = docs[k % len(docs)]
        inputs, targets = make_example(doc, stoi, bos, cfg["block_size"])
        loss, grads = loss_and_grads(params, inputs, targets,
                                     cfg["n_layer"], cfg["n_head"])
        losses.append(float(loss))

        lr_t = lr * (1 - k / N)
        bc1 = 1 - beta1 ** (k + 1)                      # bias corrections
        bc2 = 1 - beta2 ** (k + 1)
        # cast the scalars so that float32 runs stay float32 throughout
        c_b1, c_b2 = dtype.type(beta1), dtype.type(beta2)
        c_lr, c_eps = dtype.type(lr_t), dtype.type(eps)
        c_bc1, c_bc2 = dtype.type(bc1), dtype.type(bc2)
        one = dtype.type(1)
        for name, p in params.items():
            g = grads[name]
            m[name] = c_b1 * m[name] + (one - c_b1) * g
            v[name] = c_b2 * v[name] + (one - c_b2) * g * g
            m_hat = m[name] / c_bc1
            v_hat = v[name] / c_bc2
            p -= c_lr * m_hat / (np.sqrt(v_hat) + c_eps)
        if on_step is not None:
            on_step(k, float(loss))
    return losses


# -----------------------------------------------------------------------------
# Reading and validating the export
# -----------------------------------------------------------------------------

def require(obj, key, where):
    if not isinstance(obj, dict) or key not in obj:
        raise BadInput(f"missing key '{key}' in {where}")
    return obj[key]


def load_params(obj, shapes, where, dtype):
    if not isinstance(obj, dict):
        raise BadInput(f"'{where}' is not an object of parameters")
    params = {}
    for name, shape in shapes.items():
        raw = require(obj, name, where)
        try:
            arr = np.array(raw, dtype=np.float64)
        except (ValueError, TypeError):
            raise BadInput(f"{where}.{name} is not a rectangular array of numbers")
        if arr.shape != shape:
            raise BadInput(f"{where}.{name} has shape {list(arr.shape)}, expected {list(shape)}")
        if not np.all(np.isfinite(arr)):
            raise BadInput(f"{where}.{name} contains non-finite values")
        params[name] = arr.astype(dtype)
    return params


def load_export(path, dtype):
    try:
        with open(path) as fh:
            run = json.load(fh)
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise BadInput(f"{path} is not valid JSON: {e}")
    if not isinstance(run, dict):
        raise BadInput("the export is not a JSON object")

    model = require(run, "model", "export")
    optimizer = require(run, "optimizer", "export")
    schedule = require(run, "schedule", "export")
    if (model, optimizer, schedule) != ("gpt", "adam", "linear"):
        raise BadInput(
            f"unsupported run: model={model!r} optimizer={optimizer!r} schedule={schedule!r}; "
            "only model='gpt', optimizer='adam', schedule='linear' can be checked")

    cfg_raw = require(run, "config", "export")
    cfg = {}
    for key in ("n_layer", "n_head", "n_embd", "block_size", "steps"):
        val = require(cfg_raw, key, "config")
        if isinstance(val, bool) or not isinstance(val, int) or val <= 0:
            raise BadInput(f"config.{key} must be a positive integer, got {val!r}")
        cfg[key] = val
    for key in ("lr", "beta1", "beta2", "eps"):
        val = require(cfg_raw, key, "config")
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            raise BadInput(f"config.{key} must be a number, got {val!r}")
        cfg[key] = float(val)
    # config.weight_decay belongs to AdamW; plain Adam ignores it.
    if cfg_raw.get("bias_correction", True) is not True:
        raise BadInput("config.bias_correction is off; only bias-corrected Adam is checked")
    if cfg["n_embd"] % cfg["n_head"] != 0:
        raise BadInput(f"n_embd={cfg['n_embd']} is not divisible by n_head={cfg['n_head']}")

    vocab = require(run, "vocab", "export")
    if not isinstance(vocab, str) or len(vocab) == 0:
        raise BadInput("vocab must be a non-empty string")
    if len(set(vocab)) != len(vocab):
        raise BadInput("vocab contains a repeated character")
    stoi = {ch: i for i, ch in enumerate(vocab)}
    bos = len(vocab)
    V = len(vocab) + 1

    docs = require(run, "docs", "export")
    if not isinstance(docs, list) or len(docs) == 0 or not all(isinstance(d_, str) for d_ in docs):
        raise BadInput("docs must be a non-empty list of strings")
    for j, doc in enumerate(docs):
        for ch in doc:
            if ch not in stoi:
                raise BadInput(f"docs[{j}]={doc!r} has character {ch!r} that is not in vocab")

    losses = require(run, "losses", "export")
    if (not isinstance(losses, list) or len(losses) == 0
            or not all(isinstance(l, (int, float)) and not isinstance(l, bool) for l in losses)):
        raise BadInput("losses must be a non-empty list of numbers")
    if len(losses) > cfg["steps"]:
        raise BadInput(f"losses has {len(losses)} entries but config.steps is {cfg['steps']}")

    shapes = param_shapes(V, cfg["n_embd"], cfg["block_size"], cfg["n_layer"])
    init = load_params(require(run, "init", "export"), shapes, "init", dtype)
    final_raw = run.get("final")
    final = load_params(final_raw, shapes, "final", np.float64) if final_raw is not None else None
    return dict(cfg=cfg, stoi=stoi, bos=bos, V=V, docs=docs,
                losses=[float(l) for l in losses], init=init, final=final,
                seed=run.get("seed"))


# -----------------------------------------------------------------------------
# Self-test: hand-written backward pass vs central finite differences
# -----------------------------------------------------------------------------

def self_test():
    rng = np.random.default_rng(1234)
    V, n_embd, n_head, block_size, n_layer = 5, 8, 2, 6, 2
    shapes = param_shapes(V, n_embd, block_size, n_layer)
    # N(0, 0.3) rather than 0.08 so every part of the network matters visibly
    params = {name: rng.normal(0.0, 0.3, size=shape) for name, shape in shapes.items()}
    # a full-length sequence with a repeated token, so np.add.at matters
    inputs = np.array([4, 0, 2, 2, 1, 3])
    targets = np.array([0, 2, 2, 1, 3, 4])

    # 1) the vectorised forward pass agrees with the position-by-position one
    loss, grads = loss_and_grads(params, inputs, targets, n_layer, n_head)
    loss_loop = forward_loop(params, inputs, targets, n_layer, n_head)
    fwd_diff = abs(loss - loss_loop)
    print(f"forward: vectorised loss {loss:.15f}, position-by-position {loss_loop:.15f}, "
          f"|diff| = {fwd_diff:.2e}")

    # 2) every gradient entry against a central finite difference
    h = 1e-5
    worst = 0.0
    for name in shapes:
        p = params[name]
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            lp, _ = forward(params, inputs, targets, n_layer, n_head)
            p[idx] = old - h
            lm, _ = forward(params, inputs, targets, n_layer, n_head)
            p[idx] = old
            num[idx] = (lp - lm) / (2 * h)
        ana = grads[name]
        # relative error of the whole tensor: ||ana - num|| / max(||ana||, ||num||)
        denom = max(np.linalg.norm(ana), np.linalg.norm(num), 1e-30)
        rel = np.linalg.norm(ana - num) / denom
        max_abs = np.max(np.abs(ana - num))
        worst = max(worst, rel)
        print(f"  {name:18s} shape {str(list(p.shape)):9s} |grad| {np.linalg.norm(ana):.3e}  "
              f"max abs err {max_abs:.2e}  rel err {rel:.2e}")

    ok = worst <= 1e-5 and fwd_diff <= 1e-12
    print(f"self-test: {len(shapes)} parameter tensors, worst relative error {worst:.2e} "
          f"(limit 1e-5), forward mismatch {fwd_diff:.1e} -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


# -----------------------------------------------------------------------------
# Main
# -----------------------------------------------------------------------------

def check(args):
    dtype = np.dtype(args.dtype)
    run = load_export(args.export, dtype)
    n_total = len(run["losses"])
    K = n_total if args.steps is None else args.steps
    if K <= 0 or K > n_total:
        raise BadInput(f"--steps {K} is outside 1..{n_total} (the number of losses in the export)")

    params = run["init"]
    t0 = time.perf_counter()
    ours = train(params, run["docs"], run["stoi"], run["bos"], run["cfg"], K)
    elapsed = time.perf_counter() - t0

    diffs = np.abs(np.array(ours) - np.array(run["losses"][:K]))
    if not np.all(np.isfinite(diffs)):
        k_bad = int(np.argmax(~np.isfinite(diffs)))
        worst_loss, worst_step = float("inf"), k_bad
    else:
        worst_step = int(np.argmax(diffs))
        worst_loss = float(diffs[worst_step])
    passed = worst_loss <= args.tol

    parts = [f"steps checked {K}/{n_total}",
             f"max |loss diff| {worst_loss:.3e} at step {worst_step}"
             f" (ours {ours[worst_step]:.10f} vs export {run['losses'][worst_step]:.10f})"]
    if K == n_total and run["final"] is not None:
        worst_p, worst_name = 0.0, None
        for name, p in params.items():
            dp = float(np.max(np.abs(p.astype(np.float64) - run["final"][name])))
            if not dp <= worst_p:        # also catches NaN
                worst_p, worst_name = dp, name
        parts.append(f"max |param diff| vs final {worst_p:.3e} ({worst_name})")
        if args.param_tol is not None:
            passed = passed and worst_p <= args.param_tol
    elif K == n_total:
        parts.append("final params not in export, not compared")
    else:
        parts.append("final params not compared (partial run)")
    tol_text = f"tol {args.tol:g}" + (f", param-tol {args.param_tol:g}" if args.param_tol is not None else "")
    parts.append(f"{args.dtype}, {1e3 * elapsed / K:.2f} ms/step")
    parts.append(f"{'PASS' if passed else 'FAIL'} ({tol_text})")
    print("; ".join(parts))
    return 0 if passed else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description="Re-run and check a microgpt training export.")
    ap.add_argument("export", nargs="?", help="the run's JSON export")
    ap.add_argument("--steps", type=int, default=None,
                    help="number of steps to re-run (default: all, i.e. len(losses))")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--tol", type=float, default=1e-4,
                    help="pass if every |loss difference| <= tol (default 1e-4)")
    ap.add_argument("--param-tol", type=float, default=None,
                    help="also require max |param difference| vs final <= this")
    ap.add_argument("--self-test", action="store_true",
                    help="check the backward pass against finite differences and exit")
    args = ap.parse_args(argv)

    if args.self_test:
        return self_test()
    if args.export is None:
        ap.print_usage(sys.stderr)
        sys.stderr.write("check_export.py: error: an export file is required (or --self-test)\n")
        return 2
    try:
        return check(args)
    except BadInput as e:
        print(f"check_export.py: bad input: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
