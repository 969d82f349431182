#!/usr/bin/python3
"""The Mixture-of-Experts layer in PyTorch, written from the papers, as an independent check of core/moe*.cpp.

Each case is one MoE layer on N tokens: random weights, input x, upstream gradient dy and (for the routers that
draw) the noise and uniform draws, all made here; torch computes, in float64 with autograd,
    objective = sum(y * dy) + aux,  y = MoE(x),  aux = the coefficient-weighted auxiliary losses,
and the reference file holds the inputs and torch's y, loss terms, routing and gradients (input and every weight).
tests/unit/test_moe.cpp loads the same weights and draws into core's layer and compares.

Nothing here ports our loops: routing is written the way the reference code does it, with dense one-hot masks
and cumulative sums (Mesh TensorFlow's _top_2_gating / Switch gating, tensor2tensor's noisy_top_k_gating), every
expert runs on every token and a combine matrix (N,E) of gates picks what counts (our layer computes only the
dispatched rows), and torch's autograd differentiates (our backward is written by hand).

usage: /usr/bin/python3 tests/reference/make_moe_reference.py [--out-dir tests/data/reference/moe]
Needs torch >= 1.12; CI never runs it (see README.md here).
"""
import argparse
import json
import math
import os

import torch
import torch.nn.functional as F

from make_reference import ffn  # the experts: the FFN of every kind, as the whole-model reference computes it

torch.set_default_dtype(torch.float64)


# ---------------------------------------------------------------------------------------------------------
# routers: each returns combine (n,E) (the gate of every processed (token, expert), 0 elsewhere), the loss terms,
# and the routing for the test to compare (expert and processed flag of each route)
# ---------------------------------------------------------------------------------------------------------

def capacity(n, E, cf):
    """C = min(T, floor(capacity_factor * T / E)) (Mesh TensorFlow)."""
    return min(n, int(math.floor(cf * n / E + 1e-6)))


def cv_squared(v):
    """CV^2 = Var / Mean^2, population variance (tensor2tensor's cv_squared)."""
    return v.var(unbiased=False) / v.mean() ** 2


def switch(logits, m, n_tokens):
    """Fedus et al. 2021: p = softmax(x W_r), top-1, capacity in token order, balance = E sum_i f_i P_i."""
    E = logits.shape[1]
    p = torch.softmax(logits, dim=-1)
    index = p.argmax(dim=-1)
    mask = F.one_hot(index, E).to(p.dtype)                              # (n,E)
    position = torch.cumsum(mask, dim=0) - 1                            # the token's place in its expert's queue
    keep = mask * (position < capacity(n_tokens, E, m["capacity_factor"])).to(p.dtype)
    combine = keep * p
    f, P = mask.mean(dim=0), p.mean(dim=0)                              # f before capacity, as the paper's
    balance = E * (f * P).sum()
    routes = [[[int(index[t]), bool(keep[t].sum() > 0)]] for t in range(n_tokens)]
    return combine, {"balance": balance}, routes


def top2(logits, m, n_tokens, uniform):
    """GShard: renormalised top-2, the second-expert policy, first choices placed before second choices."""
    E = logits.shape[1]
    p = torch.softmax(logits, dim=-1)
    index1 = p.argmax(dim=-1)
    mask1 = F.one_hot(index1, E).to(p.dtype)
    index2 = (p * (1 - mask1)).argmax(dim=-1)
    mask2 = F.one_hot(index2, E).to(p.dtype)
    g1, g2 = (p * mask1).sum(-1), (p * mask2).sum(-1)
    denom = g1 + g2
    g1, g2 = g1 / denom, g2 / denom
    policy, threshold = m["second_policy"], m["second_threshold"]
    if policy == "none":
        mask2 = mask2 * 0
    elif policy == "threshold":
        mask2 = mask2 * (g2 > threshold).to(p.dtype)[:, None]
    elif policy == "random":
        mask2 = mask2 * (uniform < g2 / threshold).to(p.dtype)[:, None]
    used2 = mask2.sum(-1) > 0
    C = capacity(n_tokens, E, m["capacity_factor"])
    aux = E * (mask1.mean(dim=0) * p.mean(dim=0)).sum()                 # c_e / T before capacity, m_e
    position1 = torch.cumsum(mask1, dim=0) - 1
    keep1 = mask1 * (position1 < C).to(p.dtype)
    position2 = torch.cumsum(mask2, dim=0) - 1 + keep1.sum(dim=0)       # after all kept first choices
    keep2 = mask2 * (position2 < C).to(p.dtype)
    combine = keep1 * g1[:, None] + keep2 * g2[:, None]
    routes = [[[int(index1[t]), bool(keep1[t].sum() > 0)], [int(index2[t]), bool(keep2[t].sum() > 0)]]
              for t in range(n_tokens)]
    return combine, {"balance": aux}, routes, [bool(u) for u in used2]


def noisy_topk(logits, noise_logits, noise, m, n_tokens, training):
    """Shazeer et al. 2017: H = x W_g + N(0,1) Softplus(x W_noise); G = Softmax(KeepTopK(H, k));
    Importance = sum G, Load = sum Phi((x W_g - kth_excluding(H, k, i)) / Softplus(x W_noise))."""
    E, k = logits.shape[1], m["k"]
    noisy = training and m["noise"]
    std = F.softplus(noise_logits) if noisy else None
    H = logits + noise * std if noisy else logits
    top_values, top_index = torch.topk(H, k + 1, dim=-1)                # (n,k+1), largest first
    in_top = torch.zeros_like(H, dtype=torch.bool).scatter(1, top_index[:, :k], True)
    G = torch.softmax(H.masked_fill(~in_top, float("-inf")), dim=-1)     # Softmax(KeepTopK(H, k))
    importance = G.sum(dim=0)
    if noisy:
        threshold = torch.where(in_top, top_values[:, k:k + 1], top_values[:, k - 1:k])
        normal = torch.distributions.Normal(0.0, 1.0)
        load = normal.cdf((logits - threshold) / std).sum(dim=0)
    else:
        load = in_top.to(H.dtype).sum(dim=0)
    routes = [[[int(top_index[t, i]), True] for i in range(k)] for t in range(n_tokens)]
    return G, {"importance": cv_squared(importance), "load": cv_squared(load)}, routes


def expert_choice(logits, m, n_tokens):
    """Zhou et al. 2022: S = softmax(X W_g); each expert takes its top C = T c / E tokens by S[:, e]."""
    E = logits.shape[1]
    S = torch.softmax(logits, dim=-1)
    C = capacity(n_tokens, E, m["capacity_factor"])
    picked = torch.zeros_like(S)
    for e in range(E):
        picked[torch.topk(S[:, e], C).indices, e] = 1.0
    combine = picked * S
    routes = [[[e, bool(picked[t, e] > 0)] if picked[t, e] > 0 else [-1, False] for e in range(E)]
              for t in range(n_tokens)]
    return combine, {}, routes


# ---------------------------------------------------------------------------------------------------------
# one case
# ---------------------------------------------------------------------------------------------------------

def f32(t):
    """Round to float32 and back: the C++ side reads the same numbers."""
    return t.float().double()


def make_case(name, seed, router, moe, ffn_kind, ffn_bias, N, D, d_ff, training=True):
    g = torch.Generator().manual_seed(seed)
    E = moe["experts"]
    m = dict(moe)
    m["router"] = router
    P = {}
    # router scale ~ 1.5 so that the gates are far from uniform and no token sits at a top-k boundary
    P["moe.router.w"] = f32(torch.randn(D, E, generator=g) * 1.5 / math.sqrt(D))
    if router == "noisy_topk" and m.get("noise", True):
        P["moe.router_noise.w"] = f32(torch.randn(D, E, generator=g) * 1.0 / math.sqrt(D))
    for e in range(E):
        pre = "moe.experts.%d" % e
        P[pre + ".w1.w"] = f32(torch.randn(D, d_ff, generator=g) / math.sqrt(D))
        if ffn_bias:
            P[pre + ".w1.b"] = f32(torch.randn(d_ff, generator=g) * 0.1)
        if ffn_kind == "swiglu":
            P[pre + ".v.w"] = f32(torch.randn(D, d_ff, generator=g) / math.sqrt(D))
            if ffn_bias:
                P[pre + ".v.b"] = f32(torch.randn(d_ff, generator=g) * 0.1)
        P[pre + ".w2.w"] = f32(torch.randn(d_ff, D, generator=g) / math.sqrt(d_ff))
        if ffn_bias:
            P[pre + ".w2.b"] = f32(torch.randn(D, generator=g) * 0.1)
    x = f32(torch.randn(N, D, generator=g))
    dy = f32(torch.randn(N, D, generator=g))
    noise = f32(torch.randn(N, E, generator=g)) if router == "noisy_topk" else None
    uniform = f32(torch.rand(N, generator=g)) if router == "top2" else None

    for t in P.values():
        t.requires_grad_(True)
    x.requires_grad_(True)
    logits = x @ P["moe.router.w"]
    group = m.get("group_size", 0) or N
    assert N % group == 0, "the reference splits the tokens into equal groups"
    combine_parts, routes, used_second = [], [], []
    terms = {"balance": 0.0, "importance": 0.0, "load": 0.0, "z": 0.0}
    G = N // group
    for gi in range(G):
        sl = slice(gi * group, (gi + 1) * group)
        if router == "switch":
            c, t, r = switch(logits[sl], m, group)
        elif router == "top2":
            c, t, r, u = top2(logits[sl], m, group, uniform[sl])
            used_second += u
        elif router == "noisy_topk":
            nl = x[sl] @ P["moe.router_noise.w"] if "moe.router_noise.w" in P else None
            c, t, r = noisy_topk(logits[sl], nl, noise[sl], m, group, training)
        else:
            c, t, r = expert_choice(logits[sl], m, group)
        combine_parts.append(c)
        routes += r
        for key, v in t.items():
            terms[key] = terms[key] + v / G
        # ST-MoE z-loss: (1/B) sum over the group's tokens of logsumexp(logits)^2
        terms["z"] = terms["z"] + (torch.logsumexp(logits[sl], dim=-1) ** 2).mean() / G
    combine = torch.cat(combine_parts, dim=0)                                       # (N,E)
    outputs = torch.stack([ffn(P, {"ffn": ffn_kind}, "moe.experts.%d" % e, x) for e in range(E)], dim=1)  # (N,E,D)
    y = (combine[:, :, None] * outputs).sum(dim=1)                                   # y = sum_e G_e E_e(x)
    coef = {"balance": m.get("balance_coef", 0.01) if router in ("switch", "top2") else 0.0,
            "importance": m.get("importance_coef", 0.1) if router == "noisy_topk" else 0.0,
            "load": m.get("load_coef", 0.1) if router == "noisy_topk" else 0.0,
            "z": m.get("z_loss_coef", 0.0)}
    aux = sum(coef[k] * terms[k] for k in terms)
    objective = (y * dy).sum() + aux
    objective.backward()

    def flat(t):
        return [float(v) for v in t.detach().reshape(-1)]

    case = {
        "name": name, "N": N, "d_model": D, "d_ff": d_ff, "ffn": ffn_kind, "ffn_bias": ffn_bias,
        "training": training, "moe": m,
        "x": flat(x), "dy": flat(dy),
        "params": {k: {"shape": list(v.shape), "values": flat(v)} for k, v in P.items()},
        "torch": {
            "y": flat(y), "objective": float(objective), "aux": float(aux),
            "terms": {k: float(v) for k, v in terms.items()},
            "routes": routes, "dx": flat(x.grad),
            "grads": {k: flat(v.grad) for k, v in P.items()},
        },
    }
    if noise is not None:
        case["noise"] = flat(noise)
    if uniform is not None:
        case["uniform"] = flat(uniform)
        case["torch"]["used_second"] = used_second
    return case


CASES = [
    # name, seed, router, moe settings, expert FFN kind, biases
    ("switch_relu_capacity_zloss", 1, "switch",
     {"experts": 4, "capacity_factor": 1.0, "balance_coef": 0.3, "z_loss_coef": 0.05}, "relu", True),
    ("switch_groups_gelu", 2, "switch",
     {"experts": 3, "capacity_factor": 1.25, "balance_coef": 0.1, "z_loss_coef": 0.01, "group_size": 6}, "gelu", True),
    ("top2_random_relu", 3, "top2",
     {"experts": 4, "capacity_factor": 1.25, "balance_coef": 0.2, "second_policy": "random",
      "second_threshold": 0.2, "z_loss_coef": 0.02}, "relu", True),
    ("top2_all_swiglu", 4, "top2",
     {"experts": 4, "capacity_factor": 1.0, "balance_coef": 0.2, "second_policy": "all",
      "second_threshold": 0.2}, "swiglu", False),
    ("top2_threshold_groups", 5, "top2",
     {"experts": 3, "capacity_factor": 1.5, "balance_coef": 0.1, "second_policy": "threshold",
      "second_threshold": 0.3, "group_size": 6}, "relu", True),
    ("noisy_topk_k2_relu", 6, "noisy_topk",
     {"experts": 4, "k": 2, "noise": True, "importance_coef": 0.5, "load_coef": 0.5, "z_loss_coef": 0.01},
     "relu", True),
    ("noisy_topk_k1_no_noise", 7, "noisy_topk",
     {"experts": 3, "k": 1, "noise": False, "importance_coef": 0.3, "load_coef": 0.3}, "gelu", True),
    ("expert_choice_relu", 8, "expert_choice",
     {"experts": 4, "capacity_factor": 1.0, "z_loss_coef": 0.02}, "relu", True),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out-dir", default=os.path.join(here, "..", "data", "reference", "moe"))
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for name, seed, router, moe, kind, bias in CASES:
        case = make_case(name, seed, router, moe, kind, bias, N=12, D=6, d_ff=5)
        path = os.path.join(args.out_dir, name + ".json")
        with open(path, "w") as f:
            json.dump(case, f)
        print("%-28s objective %.9f aux %.9f -> %s" % (name, case["torch"]["objective"], case["torch"]["aux"], path))


if __name__ == "__main__":
    main()
