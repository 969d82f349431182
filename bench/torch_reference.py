#!/usr/bin/python3
"""PyTorch reference for `noamlab bench`: the same S and M models, the same work per training step.

The model mirrors core/ (pre-norm LayerNorm blocks, causal multi-head attention without biases, ReLU FFN
with biases, tied embeddings scaled by sqrt(d), sinusoidal positions, final LayerNorm, label-smoothed
cross-entropy, Adam beta2 0.98 eps 1e-9, global grad-norm clipping at 1.0) and one step does what
core/trainer.cpp step() does: draw a random batch, zero the gradients, forward, loss, backward, clip, update.

Thread settings. Debian's torch does its fp32 matmuls in the system BLAS (libblas.so.3: OpenBLAS when
libopenblas0 is installed, otherwise the reference netlib BLAS), whose thread pool torch.set_num_threads does
not control. OPENBLAS_NUM_THREADS is read when the library loads, so every (torch threads, BLAS threads)
setting runs in its own worker process started with that variable set. The workers are measured in turn,
round after round (the machine is shared: alternating spreads the noise over every setting alike), and
each setting's figure is the median step time over all its rounds.

OpenBLAS picks its kernels from the CPU model; a CPU newer than the library (0.3.21 in Debian 12) falls back to
the generic SSE3 "Prescott" kernels, 3-4x slower than its AVX2 (Haswell) or AVX-512 (SkylakeX) ones. When that
happens, and OPENBLAS_CORETYPE is not set already, the workers get OPENBLAS_CORETYPE set from the CPU's flags, so
PyTorch is measured at its best; the header line says which kernels ran.

Usage (call it with Debian's /usr/bin/python3, which has python3-torch):
  /usr/bin/python3 bench/torch_reference.py [--sizes S,M] [--threads 1,2] [--rounds 3] [--steps 10] [--json F]
  /usr/bin/python3 bench/torch_reference.py --serve
      line protocol for `noamlab bench --torch`: reads "measure SIZE BUDGET STEPS", answers one JSON line with
      the step times of every setting whose torch and BLAS thread counts are both <= BUDGET; "quit" ends.
      Once every such setting has a figure, those slower than 1.5x the best are no longer measured.
"""
import argparse
import ctypes
import ctypes.util
import json
import math
import os
import statistics
import subprocess
import sys
import time

# ---- the models: the same configs as `noamlab bench` (cli/cmd_bench.cpp bench_config) ----
CONFIGS = {
    "S": dict(vocab=65, d_model=64, n_heads=4, n_layers=2, d_ff=256, seq=64, batch=16),
    "M": dict(vocab=65, d_model=128, n_heads=4, n_layers=4, d_ff=512, seq=64, batch=16),
}
LABEL_SMOOTHING = 0.1
GRAD_CLIP = 1.0
WARMUP_STEPS = 3


def build(size, seed=1):
    """Returns (model, optimizer, step) for one config; step() runs one full training step."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    c = CONFIGS[size]
    V, D, H, L, Fd, T, B = c["vocab"], c["d_model"], c["n_heads"], c["n_layers"], c["d_ff"], c["seq"], c["batch"]
    hd = D // H

    class Attention(nn.Module):
        # y = Concat_h(softmax(Q_h K_h^T / sqrt(d_k)) V_h) W_o, causal; no biases (core/attention.cpp)
        def __init__(self):
            super().__init__()
            self.wq = nn.Linear(D, D, bias=False)
            self.wk = nn.Linear(D, D, bias=False)
            self.wv = nn.Linear(D, D, bias=False)
            self.wo = nn.Linear(D, D, bias=False)
            self.register_buffer("mask", torch.ones(T, T, dtype=torch.bool).triu(1), persistent=False)

        def forward(self, x):  # x (B,T,D)
            b, t, _ = x.shape
            q = self.wq(x).view(b, t, H, hd).transpose(1, 2)  # (B,H,T,hd)
            k = self.wk(x).view(b, t, H, hd).transpose(1, 2)
            v = self.wv(x).view(b, t, H, hd).transpose(1, 2)
            scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))  # (B,H,T,T)
            scores = scores.masked_fill(self.mask[:t, :t], float("-inf"))
            ctx = scores.softmax(dim=-1) @ v  # (B,H,T,hd)
            return self.wo(ctx.transpose(1, 2).reshape(b, t, D))

    class Block(nn.Module):
        # pre-norm: h = x + Attn(LN1(x)) ; out = h + FFN(LN2(h)), FFN(x) = relu(x W1 + b1) W2 + b2
        def __init__(self):
            super().__init__()
            self.norm1 = nn.LayerNorm(D, eps=1e-5)
            self.attn = Attention()
            self.norm2 = nn.LayerNorm(D, eps=1e-5)
            self.w1 = nn.Linear(D, Fd)
            self.w2 = nn.Linear(Fd, D)

        def forward(self, x):
            h = x + self.attn(self.norm1(x))
            return h + self.w2(F.relu(self.w1(self.norm2(h))))

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(V, D)
            nn.init.normal_(self.embed.weight, std=D ** -0.5)  # E sqrt(d) has unit size, as in core/embedding.cpp
            pos = torch.arange(T, dtype=torch.float64)[:, None]
            i = torch.arange(0, D, 2, dtype=torch.float64)
            angle = pos / torch.pow(10000.0, i / D)
            pe = torch.zeros(T, D, dtype=torch.float64)
            pe[:, 0::2] = torch.sin(angle)
            pe[:, 1::2] = torch.cos(angle)
            self.register_buffer("pe", pe.float(), persistent=False)
            self.blocks = nn.ModuleList(Block() for _ in range(L))
            self.final_norm = nn.LayerNorm(D, eps=1e-5)

        def forward(self, tokens):  # (B,T) -> logits (B,T,V)
            x = self.embed(tokens) * math.sqrt(D) + self.pe[: tokens.shape[1]]
            for blk in self.blocks:
                x = blk(x)
            return self.final_norm(x) @ self.embed.weight.t()  # tied head: logits = h E^T

    torch.manual_seed(seed)
    model = LM()
    # foreach=True: the multi-tensor Adam, PyTorch's fastest CPU path in 1.13 (the default picks it on CUDA only)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-9, foreach=True)
    gen = torch.Generator().manual_seed(seed + 1)

    def step():
        seq = torch.randint(0, V, (B, T + 1), generator=gen)  # random tokens, every position scored
        inputs, targets = seq[:, :-1], seq[:, 1:]
        opt.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), label_smoothing=LABEL_SMOOTHING)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
        opt.step()
        return loss.item()

    return model, opt, step


def blas_library():
    """The BLAS this process loaded (torch links libblas.so.3, whichever package provides it), with OpenBLAS's
    kernel name."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if ".so" in line})
    except OSError:
        return "unknown"
    for path in libs:
        if "openblas" in path:
            return "openblas " + openblas_corename(path)
    for path in libs:
        if "libblas" in path:
            return "reference (" + path + ")"
    return "unknown"


def openblas_corename(path):
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "?"


# OpenBLAS 0.3.21's generic kernels, chosen when it does not know the CPU model
GENERIC_CORES = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
                 "Northwood", "Banias"}


def openblas_coretype():
    """OPENBLAS_CORETYPE for the workers: None to let OpenBLAS choose, or the kernels the CPU's flags allow when
    OpenBLAS would fall back to generic ones. Returns (value, what OpenBLAS picked by itself)."""
    if "OPENBLAS_CORETYPE" in os.environ:
        return None, "set by the caller"
    auto = openblas_corename(ctypes.util.find_library("openblas") or "libopenblas.so.0")  # "?" without OpenBLAS
    if auto not in GENERIC_CORES:
        return None, auto
    try:
        with open("/proc/cpuinfo") as f:
            flags = set(next(line for line in f if line.startswith("flags")).split())
    except (OSError, StopIteration):
        return None, auto
    if {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"} <= flags:
        return "SkylakeX", auto
    if {"avx2", "fma"} <= flags:
        return "Haswell", auto
    return None, auto


# ---- worker: one process per (torch threads, BLAS threads) setting ----
def worker(torch_threads):
    import torch

    torch.set_num_threads(torch_threads)
    models = {}
    model, _, probe = build("S")  # loads the BLAS, so its name can be reported
    probe()
    print(json.dumps({"ready": True, "torch": torch.__version__, "blas": blas_library(),
                      "params_S": sum(p.numel() for p in model.parameters()),
                      "torch_threads": torch.get_num_threads(),
                      "blas_threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0"))}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        size, steps = words[1], int(words[2])
        if size not in models:
            models[size] = build(size)
            for _ in range(WARMUP_STEPS):
                models[size][2]()
        step = models[size][2]
        step()  # one unmeasured step: the other processes may have evicted our caches
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            loss = step()
            times.append(time.perf_counter() - t0)
        if not math.isfinite(loss):
            print(json.dumps({"error": "loss is not finite"}), flush=True)
            continue
        print(json.dumps({"times": times}), flush=True)


class Worker:
    def __init__(self, torch_threads, blas_threads, coretype=None):
        self.torch_threads, self.blas_threads = torch_threads, blas_threads
        env = dict(os.environ)
        if coretype:
            env["OPENBLAS_CORETYPE"] = coretype
        env["OPENBLAS_NUM_THREADS"] = str(blas_threads)  # read by OpenBLAS when torch loads it
        env["OMP_NUM_THREADS"] = str(torch_threads)      # torch's own pool (set_num_threads sets it again)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", str(torch_threads)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.info = json.loads(self.proc.stdout.readline())

    def measure(self, size, steps):
        self.proc.stdin.write(f"measure {size} {steps}\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if "error" in reply:
            raise RuntimeError(f"torch {self.torch_threads} / BLAS {self.blas_threads}, {size}: {reply['error']}")
        return reply["times"]

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        self.proc.wait()


def settings_for(budget):
    """Every (torch threads, BLAS threads) pair that fits a thread budget."""
    return [(t, b) for t in range(1, budget + 1) for b in range(1, budget + 1)]


def tokens_per_step(size):
    return CONFIGS[size]["batch"] * CONFIGS[size]["seq"]


# ---- serve: the line protocol `noamlab bench --torch` drives ----
PRUNE = 1.5  # once every setting has a figure, skip those slower than PRUNE x the best (they cannot win)


def serve(max_threads):
    coretype, auto = openblas_coretype()
    workers = {s: Worker(*s, coretype) for s in settings_for(max_threads)}
    first = next(iter(workers.values())).info
    blas = first["blas"] + (f" (forced; OpenBLAS chose {auto})" if coretype else "")
    print(json.dumps({"ready": True, "torch": first["torch"], "blas": blas, "params_S": first["params_S"]}),
          flush=True)
    history = {}  # (size, setting) -> every step time so far
    try:
        for line in sys.stdin:
            words = line.split()
            if not words or words[0] == "quit":
                break
            size, budget, steps = words[1], int(words[2]), int(words[3])
            candidates = settings_for(budget)
            medians = {s: statistics.median(history[(size, s)]) for s in candidates if (size, s) in history}
            if len(medians) == len(candidates):
                best = min(medians.values())
                candidates = [s for s in candidates if medians[s] <= PRUNE * best]
            out = []
            try:
                for s in candidates:
                    times = workers[s].measure(size, steps)
                    history.setdefault((size, s), []).extend(times)
                    out.append({"torch_threads": s[0], "blas_threads": s[1], "times": times})
            except (RuntimeError, json.JSONDecodeError) as e:
                print(json.dumps({"error": str(e)}), flush=True)
                continue
            print(json.dumps({"size": size, "budget": budget, "settings": out}), flush=True)
    finally:
        for w in workers.values():
            w.close()


# ---- standalone: a table of every setting ----
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="S,M", help="models, comma separated (S, M)")
    ap.add_argument("--threads", default="1,2", help="thread counts for torch and for BLAS")
    ap.add_argument("--rounds", type=int, default=3, help="rounds over all settings (alternating)")
    ap.add_argument("--steps", type=int, default=10, help="measured steps per setting per round")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--serve", action="store_true", help="the line protocol `noamlab bench --torch` drives")
    ap.add_argument("--max-threads", type=int, default=2, help="--serve: the largest thread budget")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        return worker(args.worker)
    if args.serve:
        return serve(args.max_threads)

    sizes = args.sizes.split(",")
    threads = [int(x) for x in args.threads.split(",")]
    settings = [(t, b) for t in threads for b in threads]
    coretype, auto = openblas_coretype()
    workers = {s: Worker(*s, coretype) for s in settings}
    info = next(iter(workers.values())).info
    if coretype:
        info["blas"] += f" (forced; OpenBLAS chose {auto})"
    times = {(size, s): [] for size in sizes for s in settings}
    try:
        for _ in range(args.rounds):
            for size in sizes:
                for s in settings:
                    times[(size, s)] += workers[s].measure(size, args.steps)
    finally:
        for w in workers.values():
            w.close()

    print(f"PyTorch {info['torch']}, BLAS: {info['blas']}, S has {info['params_S']} parameters")
    print(f"training step, batch 16 x 64 tokens, Adam; median of {args.rounds} rounds x {args.steps} steps")
    print(f"  {'model':<6}{'torch thr':>10}{'BLAS thr':>10}{'ms/step':>10}{'tokens/s':>10}")
    rows = []
    for size in sizes:
        for s in settings:
            ms = statistics.median(times[(size, s)]) * 1e3
            rows.append({"model": size, "torch_threads": s[0], "blas_threads": s[1], "ms_per_step": ms,
                         "tokens_per_sec": tokens_per_step(size) / ms * 1e3})
            print(f"  {size:<6}{s[0]:>10}{s[1]:>10}{ms:>10.2f}{rows[-1]['tokens_per_sec']:>10.0f}")
    print("best setting for each thread budget (both pools at most that many threads):")
    best = []
    for size in sizes:
        for budget in threads:
            fit = [r for r in rows if r["model"] == size and r["torch_threads"] <= budget and r["blas_threads"] <= budget]
            b = max(fit, key=lambda r: r["tokens_per_sec"])
            best.append(dict(b, budget=budget))
            print(f"  {size:<6} budget {budget}: {b['tokens_per_sec']:.0f} tokens/s "
                  f"(torch {b['torch_threads']} thread(s), BLAS {b['blas_threads']})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": info["torch"], "blas": info["blas"], "rounds": args.rounds, "steps": args.steps,
                       "settings": rows, "best": best}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
