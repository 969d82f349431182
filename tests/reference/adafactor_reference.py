#!/usr/bin/python3
"""Adafactor (Shazeer & Stern 2018, Algorithms 4 and 5) in numpy float64, written from the paper, as an
independent check of core/adafactor.cpp. Nothing here ports our loops: the row and column sums, the outer
product and the norms are numpy's.

For a few small cases (a matrix, a vector, momentum, an external learning rate, a gradient spike that makes
update clipping fire, zero-initialised weights that need the eps2 floor) it draws float32 weights and gradients
from a fixed seed, runs several steps and writes, per step, everything the algorithm defines: beta2hat_t, rho_t,
alpha_t, R_t and C_t (matrices) or Vhat_t (vectors), RMS(U_t), whether clipping fired, X_t, and the exact
unfactored V_t that Algorithm 4 approximates with the relative error ||Vhat_t - V_t||_F / ||V_t||_F.
tests/unit/test_adafactor.cpp reads tests/data/reference/optimizer/adafactor.json.

usage: /usr/bin/python3 tests/reference/adafactor_reference.py [--out tests/data/reference/optimizer/adafactor.json]
"""
import argparse
import json

import numpy as np

DEFAULTS = dict(decay_exponent=0.8, eps1=1e-30, eps2=1e-3, clip_threshold=1.0, beta1=0.0,
                relative_step=True, scale_parameter=True, lr=0.0)


def rms(x):
    return float(np.sqrt(np.mean(np.square(x))))


def adafactor_run(X0, grads, s):
    """Runs len(grads) steps from X0; returns the per-step records."""
    X = X0.astype(np.float64).copy()
    factored = X.ndim == 2
    if factored:
        R = np.zeros(X.shape[0])
        C = np.zeros(X.shape[1])
    V = np.zeros(X.shape)          # Algorithm 5's second moment (vectors), and the exact V for matrices
    M = np.zeros(X.shape)
    out = []
    for k, G32 in enumerate(grads):
        t = k + 1
        G = G32.astype(np.float64)
        beta2hat = 1.0 - t ** (-s["decay_exponent"])
        rho = min(1e-2, 1.0 / np.sqrt(t)) if s["relative_step"] else s["lr"]
        alpha = max(s["eps2"], rms(X)) * rho if s["scale_parameter"] else rho
        G2 = np.square(G) + s["eps1"]
        V = beta2hat * V + (1.0 - beta2hat) * G2
        rec = {"t": t, "beta2hat": beta2hat, "rho": rho, "alpha": alpha}
        if factored:
            R = beta2hat * R + (1.0 - beta2hat) * G2.sum(axis=1)      # R_t = b R + (1 - b) (G^2 + eps1) 1_m
            C = beta2hat * C + (1.0 - beta2hat) * G2.sum(axis=0)      # C_t = b C + (1 - b) 1_n^T (G^2 + eps1)
            Vhat = np.outer(R, C) / R.sum()                           # Vhat_t = R_t C_t / (1_n^T R_t)
            rec["R"] = R.tolist()
            rec["C"] = C.tolist()
            rec["V_exact"] = V.ravel().tolist()
            rec["relative_error"] = float(np.linalg.norm(Vhat - V) / np.linalg.norm(V))
        else:
            Vhat = V
            rec["V"] = V.tolist()
        U = G / np.sqrt(Vhat)
        rec["update_rms"] = rms(U)
        clip = max(1.0, rms(U) / s["clip_threshold"])
        rec["clipped"] = bool(clip > 1.0)
        Uhat = U / clip
        if s["beta1"] > 0:
            M = s["beta1"] * M + (1.0 - s["beta1"]) * Uhat
            Uhat = M
        X = X - alpha * Uhat
        rec["X"] = X.ravel().tolist()
        out.append(rec)
    return out


def case(name, shape, steps, rng, settings=None, spike_at=None, zero_init=False, x_scale=0.5):
    s = dict(DEFAULTS)
    s.update(settings or {})
    X0 = np.zeros(shape, np.float32) if zero_init else (rng.standard_normal(shape) * x_scale).astype(np.float32)
    grads = []
    for k in range(steps):
        g = (rng.standard_normal(shape) * 0.05).astype(np.float32)
        if spike_at is not None and k + 1 == spike_at:
            g = g * np.float32(30.0)    # a gradient 30x the usual: RMS(U) >> d, clipping fires
        grads.append(g)
    return {"name": name, "shape": list(shape), "settings": s,
            "X0": X0.astype(np.float64).ravel().tolist(),
            "grads": [g.astype(np.float64).ravel().tolist() for g in grads],
            "steps": adafactor_run(X0, grads, s)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/reference/optimizer/adafactor.json")
    a = ap.parse_args()
    rng = np.random.default_rng(2018)
    cases = [
        case("matrix", (3, 4), 6, rng, spike_at=4),
        case("vector", (5,), 6, rng, spike_at=4),
        case("matrix_momentum", (4, 3), 5, rng, {"beta1": 0.9}),
        case("matrix_external_lr", (3, 5), 4, rng, {"relative_step": False, "scale_parameter": False, "lr": 0.05}),
        case("vector_zero_init", (4,), 3, rng, zero_init=True),
        case("matrix_small_weights", (2, 3), 3, rng, x_scale=1e-5),   # RMS(X) < eps2: the floor sets alpha
        case("matrix_low_threshold", (3, 3), 4, rng, {"clip_threshold": 0.5}),
    ]
    doc = {"comment": "Adafactor (Shazeer & Stern 2018) in numpy float64 from the paper's algorithms; "
                      "written by tests/reference/adafactor_reference.py. X0 and grads are float32 values.",
           "cases": cases}
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["name"], "clipped at steps", [r["t"] for r in c["steps"] if r["clipped"]],
              "alpha", ["%.3g" % r["alpha"] for r in c["steps"]])


if __name__ == "__main__":
    main()
