#!/usr/bin/env python3
"""
bench_jax.py -- the brain's training speed in JAX (jit-compiled, CPU), for
comparison with `raw-weights bench`: the same model (microgpt's GPT, as
scripts/check_export.py writes it), the same starting weights, the same
documents in the same order and the same Adam with linear decay, all read
from a run export. One step (forward, gradient, update) is one compiled
compiled function; the warm-up compiles it.

    raw-weights train --corpus assets/corpora/names.txt --steps 21000 --export run.json
    python3 scripts/bench_jax.py run.json [--steps 5000] [--warmup 1000]

Prints `training N steps/s` like `raw-weights bench`, and how far its first
losses are from the export's. Steps run 100 at a time in one compiled scan,
documents padded to block_size with the padding left out of the score. Needs `pip install "jax[cpu]" numpy`; not run
in CI. (XLA may use more than one core: set the affinity, e.g. `taskset -c 0`,
for a one-thread figure.)
"""

import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_export import BadInput, load_export, make_example  # noqa: E402

try:
    import jax
    import jax.numpy as jnp
except ImportError:
    sys.stderr.write('bench_jax.py: JAX is not importable. Install it with:  pip install "jax[cpu]"\n')
    sys.exit(2)

RMSNORM_EPS = 1e-5


def rmsnorm(x):
    return x * jax.lax.rsqrt(jnp.mean(x * x, axis=-1, keepdims=True) + RMSNORM_EPS)


def make_train(n_layer, n_head, block_size, b1, b2, eps, lr, planned):
    """A compiled stretch of steps: documents padded to block_size, the
    padding left out of the mean score (the causal mask keeps it from the
    real positions), so each step computes what the unpadded step does."""
    def loss_of(p, inputs, targets, n):
        d = p["wte"].shape[1]
        hd = d // n_head
        t = block_size
        x = rmsnorm(p["wte"][inputs] + p["wpe"][:t])
        causal = jnp.tril(jnp.ones((t, t), dtype=bool))
        for i in range(n_layer):
            res = x
            h = rmsnorm(x)
            q = (h @ p[f"layer{i}.attn_wq"].T).reshape(t, n_head, hd).transpose(1, 0, 2)
            k = (h @ p[f"layer{i}.attn_wk"].T).reshape(t, n_head, hd).transpose(1, 0, 2)
            v = (h @ p[f"layer{i}.attn_wv"].T).reshape(t, n_head, hd).transpose(1, 0, 2)
            scores = (q @ k.transpose(0, 2, 1)) / math.sqrt(hd)
            w = jax.nn.softmax(jnp.where(causal, scores, -jnp.inf), axis=-1)
            out = (w @ v).transpose(1, 0, 2).reshape(t, d)
            x = out @ p[f"layer{i}.attn_wo"].T + res
            res = x
            h = rmsnorm(x)
            x = jax.nn.relu(h @ p[f"layer{i}.mlp_fc1"].T) @ p[f"layer{i}.mlp_fc2"].T + res
        logits = x @ p["lm_head"].T
        logp = jax.nn.log_softmax(logits, axis=-1)
        scored = logp[jnp.arange(t), targets]
        real = jnp.arange(t) < n
        return -jnp.sum(jnp.where(real, scored, 0.0)) / n

    def one(state, example):
        p, m, v = state
        k, inputs, targets, n = example
        loss, g = jax.value_and_grad(loss_of)(p, inputs, targets, n)
        kf = k.astype(jnp.float32)
        lr_k = lr * (1 - kf / planned)
        c1 = 1 - b1 ** (kf + 1)
        c2 = 1 - b2 ** (kf + 1)
        m = jax.tree.map(lambda m_, g_: b1 * m_ + (1 - b1) * g_, m, g)
        v = jax.tree.map(lambda v_, g_: b2 * v_ + (1 - b2) * g_ * g_, v, g)
        p = jax.tree.map(lambda p_, m_, v_: p_ - lr_k * (m_ / c1) / (jnp.sqrt(v_ / c2) + eps), p, m, v)
        return (p, m, v), loss

    @jax.jit
    def train(state, examples):
        return jax.lax.scan(one, state, examples)

    return train


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export")
    ap.add_argument("--steps", type=int, default=5000, help="steps to time (default 5000)")
    ap.add_argument("--warmup", type=int, default=1000, help="steps before timing, compiling every length (default 1000)")
    args = ap.parse_args(argv)
    try:
        run = load_export(args.export, "float32")
    except BadInput as e:
        sys.stderr.write(f"bench_jax.py: {e}\n")
        return 2
    cfg = run["cfg"]
    total = args.warmup + args.steps
    if total > cfg["steps"]:
        sys.stderr.write(f"bench_jax.py: the export plans {cfg['steps']} steps, fewer than {total}\n")
        return 2
    p = {name: jnp.asarray(a, dtype=jnp.float32) for name, a in run["init"].items()}
    m = jax.tree.map(jnp.zeros_like, p)
    v = jax.tree.map(jnp.zeros_like, p)
    bt = cfg["block_size"]
    padded = []
    for doc in run["docs"]:
        inputs, targets = make_example(doc, run["stoi"], run["bos"], bt)
        n = len(inputs)
        padded.append((list(inputs) + [0] * (bt - n), list(targets) + [0] * (bt - n), n))
    train = make_train(cfg["n_layer"], cfg["n_head"], bt, cfg["beta1"], cfg["beta2"], cfg["eps"], cfg["lr"], cfg["steps"])

    def stretch(first, count):
        docs = [padded[k % len(padded)] for k in range(first, first + count)]
        return (jnp.arange(first, first + count, dtype=jnp.int32),
                jnp.asarray([d[0] for d in docs], dtype=jnp.int32),
                jnp.asarray([d[1] for d in docs], dtype=jnp.int32),
                jnp.asarray([d[2] for d in docs], dtype=jnp.float32))

    chunk = 100
    if args.warmup % chunk or args.steps % chunk:
        sys.stderr.write(f"bench_jax.py: --steps and --warmup must be multiples of {chunk}\n")
        return 2
    stretches = [stretch(k, chunk) for k in range(0, total, chunk)]
    state = (p, m, v)
    worst = 0.0
    started = None
    for j, examples in enumerate(stretches):
        if j * chunk == args.warmup:
            jax.block_until_ready(state)
            started = time.perf_counter()
        state, losses = train(state, examples)
        if j == 0:
            worst = max(abs(float(l) - e) for l, e in zip(losses, run["losses"]))
    jax.block_until_ready(state)
    took = time.perf_counter() - started
    print(f"bench_jax: JAX {jax.__version__} jit, {jax.devices()[0].platform}; "
          f"n_layer {cfg['n_layer']}, n_head {cfg['n_head']}, n_embd {cfg['n_embd']}, block_size {cfg['block_size']}")
    print(f"training          {args.steps / took:>10.0f} steps/s   ({args.steps} steps after {args.warmup})")
    print(f"first 100 losses  at most {worst:.2e} from the export's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
