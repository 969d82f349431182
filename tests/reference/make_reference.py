#!/usr/bin/python3
"""The same Transformer in PyTorch, written from the papers' equations, as an independent check of core/.

Reads a dump written by `noamlab dump CONFIG --out DUMP.json` (weights, one batch, and our logits, loss and
gradients), rebuilds the model with torch ops in float64 (nothing here ports our loops: layer_norm, softmax,
matmul and cross_entropy are torch's own), loads the dumped weights, runs forward and backward, and writes a
reference file for tests/unit/test_reference.cpp: the config, the weights and the batch (copied from the dump)
and torch's logits, loss, nll and every gradient by parameter name. It prints how far the dump's own numbers
are from torch's, so running it already tells whether we agree.

usage: /usr/bin/python3 tests/reference/make_reference.py DUMP.json --out tests/data/reference/NAME.json
Needs torch >= 1.12 (F.gelu(approximate="tanh")) and runs on the CPU; CI never runs it (see README.md here).
"""
import argparse
import json
import math
import sys

import torch
import torch.nn.functional as F

# Both norms put eps inside the square root, as core/norm.cpp does: x / sqrt(var + eps).
NORM_EPS = 1e-5


# ---------------------------------------------------------------------------------------------------------
# model: every function takes the parameter dict P (name -> float64 tensor) and the model config m
# ---------------------------------------------------------------------------------------------------------

def sinusoidal_positions(T, D):
    """Vaswani et al. 2017, 3.5: PE(pos, 2i) = sin(pos / 10000^(2i/D)), PE(pos, 2i+1) = cos(same angle)."""
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, D, 2, dtype=torch.float64)[None, :]
    angle = pos / torch.pow(torch.tensor(10000.0, dtype=torch.float64), two_i / D)
    pe = torch.zeros(T, D, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe


def norm(P, m, prefix, x):
    g = P[prefix + ".g"]
    if m["norm"] == "layernorm":
        # LayerNorm (Ba et al. 2016): (x - mean) / sqrt(var + eps) * g + b, var the biased variance
        return F.layer_norm(x, (x.shape[-1],), g, P[prefix + ".b"], eps=NORM_EPS)
    # RMSNorm (Zhang & Sennrich 2019): x / sqrt(mean(x^2) + eps) * g, no mean, no bias
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + NORM_EPS) * g


def linear(P, prefix, x):
    """Our weights are stored (in, out): y = x W + b."""
    y = x @ P[prefix + ".w"]
    if prefix + ".b" in P:
        y = y + P[prefix + ".b"]
    return y


def attention(P, m, prefix, x):
    """MultiHead(Q, K, V) = Concat(head_1..head_H) W^O, head_h = softmax(Q_h K_g^T / sqrt(d_k)) V_g, where
    query head h reads key/value head g = h // (H / KV) (Shazeer 2019 MQA for KV = 1, GQA in between)."""
    B, T, D = x.shape
    H, KV = m["n_heads"], m["n_kv_heads"]
    hd = D // H
    q = linear(P, prefix + ".wq", x).view(B, T, H, hd).transpose(1, 2)    # (B,H,T,hd)
    k = linear(P, prefix + ".wk", x).view(B, T, KV, hd).transpose(1, 2)   # (B,KV,T,hd)
    v = linear(P, prefix + ".wv", x).view(B, T, KV, hd).transpose(1, 2)
    # repeat_interleave puts kv head g at query heads g*(H/KV) .. (g+1)*(H/KV)-1, i.e. g = h // (H/KV)
    k = k.repeat_interleave(H // KV, dim=1)                               # (B,H,T,hd)
    v = v.repeat_interleave(H // KV, dim=1)
    scores = q @ k.transpose(-2, -1)                                      # (B,H,T,T)
    if m["scale_attention"]:
        scores = scores / math.sqrt(hd)
    if m["causal"]:
        future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    ctx = (probs @ v).transpose(1, 2).reshape(B, T, H * hd)               # Concat(heads)
    return linear(P, prefix + ".wo", ctx)


def activation(kind, z):
    if kind in ("relu", "reglu"):
        return F.relu(z)
    if kind in ("gelu", "geglu"):
        return F.gelu(z, approximate="tanh")
    if kind == "gelu_erf":
        return F.gelu(z)
    if kind in ("swish", "swiglu"):
        return F.silu(z)
    if kind == "squared_relu":
        return F.relu(z).pow(2)   # Primer
    if kind == "glu":
        return torch.sigmoid(z)
    if kind == "bilinear":
        return z
    raise ValueError("unknown ffn kind " + kind)


GATED = {"glu", "bilinear", "reglu", "geglu", "swiglu"}


def ffn(P, m, prefix, x):
    """FFN(x) = act(x W1 + b1) W2 + b2 (Vaswani et al.); gated: (act(x W) * (x V)) W2 (Shazeer 2020)."""
    kind = m["ffn"]
    h = activation(kind, linear(P, prefix + ".w1", x))
    if kind in GATED:
        h = h * linear(P, prefix + ".v", x)
    return linear(P, prefix + ".w2", h)


def forward(P, m, tokens):
    """tokens (B,T) -> logits (B,T,V)."""
    B, T = tokens.shape
    D = m["d_model"]
    E = P["embed.tokens"]                                                 # (V,D)
    x = E[tokens]
    if m["scale_embeddings"]:
        x = x * math.sqrt(D)                                              # "we multiply those weights by sqrt(d_model)"
    if m["positions"] == "sinusoidal":
        x = x + sinusoidal_positions(T, D)
    elif m["positions"] == "learned":
        x = x + P["embed.positions"][:T]
    for l in range(m["n_layers"]):
        p = "blocks.%d" % l
        if m["placement"] == "pre":
            # x + Sublayer(LayerNorm(x))
            x = x + attention(P, m, p + ".attn", norm(P, m, p + ".norm1", x))
            x = x + ffn(P, m, p + ".ffn", norm(P, m, p + ".norm2", x))
        else:
            # the paper's LayerNorm(x + Sublayer(x))
            x = norm(P, m, p + ".norm1", x + attention(P, m, p + ".attn", x))
            x = norm(P, m, p + ".norm2", x + ffn(P, m, p + ".ffn", x))
    if m["placement"] == "pre":
        x = norm(P, m, "final_norm", x)   # pre-norm leaves the residual stream unnormalized otherwise
    if m["tie_embeddings"]:
        return x @ E.t()                  # the embedding matrix scores the tokens it embeds
    return x @ P["lm_head.w"]


def smoothed_loss_by_hand(logits, targets, eps):
    """The label-smoothed loss written out, to check torch's reduction: q = (1-eps) onehot + eps/V,
    loss = mean over scored rows of -sum_j q_j log p_j."""
    V = logits.shape[-1]
    logp = torch.log_softmax(logits, dim=-1)
    scored = targets >= 0
    lp = logp[scored]
    y = targets[scored]
    nll = -lp.gather(1, y[:, None]).squeeze(1)
    return ((1.0 - eps) * nll - eps / V * lp.sum(dim=1)).mean()


# ---------------------------------------------------------------------------------------------------------
# comparison and output
# ---------------------------------------------------------------------------------------------------------

def diff(ours, ref):
    """max |ours - ref| and NMSE = sum (ours - ref)^2 / sum ref^2 (the metric the C++ test uses)."""
    a = torch.tensor(ours, dtype=torch.float64).flatten()
    b = ref.detach().flatten()
    d = a - b
    ref2 = float((b * b).sum())
    return float(d.abs().max()), float((d * d).sum()) / max(ref2, 1e-300)


def fmt(x):
    return "%.10g" % x   # float64 reference to 10 digits: far below the float32 differences being tested


def tensor_line(t):
    return "[" + ",".join(fmt(v) for v in t.detach().flatten().tolist()) + "]"


def write_reference(path, name, dump, logits, loss, nll, grads, summary):
    """One JSON object, one tensor per line, so a regenerated file diffs readably."""
    out = ['{"name": %s,' % json.dumps(name),
           '"generated_by": "tests/reference/make_reference.py with torch %s, float64",' % torch.__version__,
           '"config": %s,' % json.dumps(dump["config"], sort_keys=True),
           '"vocab_size": %d,' % dump["config"]["model"]["vocab_size"],
           '"label_smoothing": %s,' % json.dumps(dump["label_smoothing"]),
           '"dump_vs_torch": %s,' % json.dumps(summary),
           '"batch": %s,' % json.dumps(dump["batch"]),
           '"params": [']
    # the weights as the dump wrote them: float32 values, shortest round-trip text
    out.append(",\n".join(json.dumps(p) for p in dump["params"]) + "],")
    out.append('"torch": {')
    out.append('"loss": %s,' % fmt(loss))
    out.append('"nll": %s,' % fmt(nll))
    out.append('"logits": %s,' % tensor_line(logits))
    out.append('"grads": [')
    out.append(",\n".join('{"name": %s, "values": %s}' % (json.dumps(n), tensor_line(g)) for n, g in grads) + "]}}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump", help="a JSON file written by `noamlab dump`")
    ap.add_argument("--out", required=True, help="the reference file to write")
    ap.add_argument("--name", default=None, help="the name stored in the file (default: the file's stem)")
    args = ap.parse_args()
    name = args.name or args.out.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    with open(args.dump) as f:
        dump = json.load(f)
    m = dict(dump["config"]["model"])
    eps = float(dump["label_smoothing"])
    batch = dump["batch"]
    B, T = batch["B"], batch["T"]
    tokens = torch.tensor(batch["tokens"], dtype=torch.long).view(B, T)
    targets = torch.tensor(batch["targets"], dtype=torch.long).view(B * T)
    V = m["vocab_size"]

    P = {}
    for p in dump["params"]:
        t = torch.tensor(p["values"], dtype=torch.float64).view(*p["shape"])
        P[p["name"]] = t.requires_grad_(True)

    logits = forward(P, m, tokens)                                        # (B,T,V)
    flat = logits.view(B * T, V)
    loss = F.cross_entropy(flat, targets, ignore_index=-1, label_smoothing=eps)
    nll = F.cross_entropy(flat, targets, ignore_index=-1)
    by_hand = smoothed_loss_by_hand(flat.detach(), targets, eps)
    if abs(float(loss) - float(by_hand)) > 1e-12 * max(1.0, abs(float(by_hand))):
        sys.exit("torch's cross_entropy(label_smoothing, ignore_index) disagrees with the written-out formula: "
                 "%r vs %r; this torch version reduces differently, fix the reference before trusting it"
                 % (float(loss), float(by_hand)))
    loss.backward()

    unused = [n for n, t in P.items() if t.grad is None]
    if unused:
        sys.exit("these dumped parameters take no part in the torch model (a naming mismatch?): " + ", ".join(unused))

    # how far the dump (our float32 C++) is from torch
    summary = {}
    worst = 0.0
    rows = [("logits", dump["logits"], logits), ("loss", [dump["loss"]], loss.detach().view(1)),
            ("nll", [dump["nll"]], nll.detach().view(1))]
    ours_grads = {g["name"]: g["values"] for g in dump["grads"]}
    rows += [("grad " + n, ours_grads[n], P[n].grad) for n in P]
    print("%s: %d parameters in %d tensors, loss torch %.9f ours %.9f" %
          (name, sum(t.numel() for t in P.values()), len(P), float(loss), dump["loss"]))
    print("  %-36s %12s %12s" % ("quantity", "max |diff|", "NMSE"))
    for what, ours, ref in rows:
        mx, nmse = diff(ours, ref)
        summary[what] = {"max_abs": float("%.3g" % mx), "nmse": float("%.3g" % nmse)}
        print("  %-36s %12.3e %12.3e" % (what, mx, nmse))
        if what.startswith("grad") or what == "logits":
            worst = max(worst, nmse)
    print("  worst NMSE over logits and gradients: %.3e" % worst)

    grads = [(n, P[n].grad) for n in P]
    write_reference(args.out, name, dump, logits, float(loss), float(nll), grads, summary)
    print("  written to " + args.out)


if __name__ == "__main__":
    main()
