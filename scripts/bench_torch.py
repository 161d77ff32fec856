#!/usr/bin/env python3
"""
bench_torch.py -- the brain's training speed in PyTorch (eager, CPU, one
thread), for comparison with `raw-weights bench`: the same model (microgpt's
GPT, as scripts/check_export.py writes it), the same starting weights, the
same documents in the same order and the same Adam with linear decay, all
read from a run export.

    raw-weights train --corpus assets/corpora/names.txt --steps 21000 --export run.json
    python3 scripts/bench_torch.py run.json [--steps 2000] [--warmup 200]

Prints `training N steps/s` like `raw-weights bench`, and how far its first
losses are from the export's (float32 on both sides: about 1e-6). Needs
`pip install torch numpy`; not run in CI.
"""

import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_export import BadInput, load_export, make_example  # noqa: E402

try:
    import torch
except ImportError:
    sys.stderr.write("bench_torch.py: PyTorch is not importable. Install it with:  pip install torch\n")
    sys.exit(2)

RMSNORM_EPS = 1e-5


def rmsnorm(x):
    return x * torch.rsqrt((x * x).mean(dim=-1, keepdim=True) + RMSNORM_EPS)


def loss_of(p, inputs, targets, n_layer, n_head):
    n = inputs.shape[0]
    d = p["wte"].shape[1]
    hd = d // n_head
    x = rmsnorm(p["wte"][inputs] + p["wpe"][:n])
    causal = torch.tril(torch.ones(n, n, dtype=torch.bool))
    for i in range(n_layer):
        res = x
        h = rmsnorm(x)
        q = (h @ p[f"layer{i}.attn_wq"].T).view(n, n_head, hd).transpose(0, 1)
        k = (h @ p[f"layer{i}.attn_wk"].T).view(n, n_head, hd).transpose(0, 1)
        v = (h @ p[f"layer{i}.attn_wv"].T).view(n, n_head, hd).transpose(0, 1)
        scores = (q @ k.transpose(1, 2)) / math.sqrt(hd)
        w = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1)
        out = (w @ v).transpose(0, 1).reshape(n, d)
        x = out @ p[f"layer{i}.attn_wo"].T + res
        res = x
        h = rmsnorm(x)
        x = torch.relu(h @ p[f"layer{i}.mlp_fc1"].T) @ p[f"layer{i}.mlp_fc2"].T + res
    logits = x @ p["lm_head"].T
    return torch.nn.functional.cross_entropy(logits, targets)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export")
    ap.add_argument("--steps", type=int, default=2000, help="steps to time (default 2000)")
    ap.add_argument("--warmup", type=int, default=200, help="steps before timing (default 200)")
    args = ap.parse_args(argv)
    try:
        run = load_export(args.export, "float32")
    except BadInput as e:
        sys.stderr.write(f"bench_torch.py: {e}\n")
        return 2
    torch.set_num_threads(1)
    cfg = run["cfg"]
    total = args.warmup + args.steps
    if total > cfg["steps"]:
        sys.stderr.write(f"bench_torch.py: the export plans {cfg['steps']} steps, fewer than {total}\n")
        return 2
    p = {name: torch.tensor(a, dtype=torch.float32, requires_grad=True) for name, a in run["init"].items()}
    m = {name: torch.zeros_like(t) for name, t in p.items()}
    v = {name: torch.zeros_like(t) for name, t in p.items()}
    examples = [make_example(doc, run["stoi"], run["bos"], cfg["block_size"]) for doc in run["docs"]]
    examples = [(torch.tensor(i), torch.tensor(t)) for i, t in examples]
    b1, b2, eps, lr, N = cfg["beta1"], cfg["beta2"], cfg["eps"], cfg["lr"], cfg["steps"]
    worst = 0.0
    started = None
    for k in range(total):
        if k == args.warmup:
            started = time.perf_counter()
        inputs, targets = examples[k % len(examples)]
        loss = loss_of(p, inputs, targets, cfg["n_layer"], cfg["n_head"])
        for t in p.values():
            t.grad = None
        loss.backward()
        with torch.no_grad():
            lr_k = lr * (1 - k / N)
            c1, c2 = 1 - b1 ** (k + 1), 1 - b2 ** (k + 1)
            for name, t in p.items():
                g = t.grad
                m[name].mul_(b1).add_(g, alpha=1 - b1)
                v[name].mul_(b2).addcmul_(g, g, value=1 - b2)
                t.sub_(lr_k * (m[name] / c1) / ((v[name] / c2).sqrt() + eps))
        if k < 100 and k < len(run["losses"]):
            worst = max(worst, abs(loss.item() - run["losses"][k]))
    took = time.perf_counter() - started
    print(f"bench_torch: PyTorch {torch.__version__} eager, CPU, 1 thread; "
          f"n_layer {cfg['n_layer']}, n_head {cfg['n_head']}, n_embd {cfg['n_embd']}, block_size {cfg['block_size']}")
    print(f"training          {args.steps / took:>10.0f} steps/s   ({args.steps} steps after {args.warmup})")
    print(f"first 100 losses  at most {worst:.2e} from the export's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
