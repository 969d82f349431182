#!/usr/bin/env bash
# CLI, every optimizer end to end: `train` runs adam, adamw, sgd and adafactor on the default task and writes
# Adafactor's step statistics in its history; `dump` writes each optimizer's state per tensor before and after
# one step (Adam m/v, Adafactor R/C for matrices and V for vectors, SGD v), and the Adafactor step it writes is
# checked here against Algorithm 4 recomputed from the dumped state and gradient (pure Python, float64).
set -u
BIN=$1; SRC=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
check() { if eval "$2"; then passes=$((passes+1)); else echo "FAIL: $1"; fails=$((fails+1)); fi; }
PY=/usr/bin/python3; command -v "$PY" >/dev/null || PY=python3

# the default config with another optimizer: config KIND [KEY=VALUE...] > file
config() {
  "$PY" - "$SRC/configs/default.json" "$@" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["optim"]["kind"] = sys.argv[2]
for kv in sys.argv[3:]:
    k, v = kv.split("=")
    c["optim"][k] = json.loads(v)
print(json.dumps(c))
PY
}
config adam >"$tmp/adam.json"
config adamw weight_decay=0.01 >"$tmp/adamw.json"
config sgd lr=0.1 momentum=0.9 schedule='"constant"' >"$tmp/sgd.json"
config adafactor >"$tmp/adafactor.json"
config adafactor beta1=0.9 >"$tmp/adafactor_momentum.json"

for kind in adam adamw sgd adafactor; do
  "$BIN" train "$tmp/$kind.json" --steps 40 --threads 1 --quiet --out "$tmp/$kind.run.json" 2>"$tmp/$kind.err"
  check "train with $kind exits 0" "[ $? -eq 0 ]"
  check "train with $kind learns (loss falls) and writes 40 steps" "$PY -c \"
import json,sys; h=json.load(open('$tmp/$kind.run.json'))['history']
sys.exit(not (len(h)==40 and sum(r['nll'] for r in h[-5:]) < sum(r['nll'] for r in h[:5])))\""
done
check "Adafactor's history has its step statistics (beta2hat_t = 1 - t^-0.8, rho_t = min(1e-2, 1/sqrt t))" "$PY -c \"
import json,sys; h=json.load(open('$tmp/adafactor.run.json'))['history']
ok = all(abs(r['beta2hat'] - (1 - r['step']**-0.8)) < 1e-6 and abs(r['rho'] - min(1e-2, r['step']**-0.5)) < 1e-9 for r in h)
ok = ok and all(r['update_rms'] > 0 and 0 <= r['clipped_fraction'] <= 1 and r['alpha'] > 0 for r in h)
sys.exit(not ok)\""
check "Adam's history has no Adafactor statistics" "$PY -c \"
import json,sys; h=json.load(open('$tmp/adam.run.json'))['history']; sys.exit('update_rms' in h[0])\""

# dump: the state of each optimizer, before and after one step (after 3 steps, so 'before' is not all zero)
for kind in adam sgd adafactor adafactor_momentum; do
  "$BIN" dump "$tmp/$kind.json" --steps 3 --out "$tmp/$kind.dump.json" 2>"$tmp/$kind.dump.err"
  check "dump with $kind exits 0" "[ $? -eq 0 ]"
done
check "dump: state arrays per tensor, with the shapes each optimizer keeps" "$PY -c \"
import json,sys
def arrays(kind):
    o = json.load(open('$tmp/' + kind + '.dump.json'))['optimizer']
    assert o['t'] == 4, o['t']
    assert [t['name'] for t in o['before']] == [t['name'] for t in o['after']]
    return o, {t['name']: (t['shape'], [(a['name'], a['shape'], len(a['values'])) for a in t['arrays']]) for t in o['after']}
o, a = arrays('adam')
assert o['name'] == 'Adam' and a['blocks.0.ffn.w1.w'] == ([64, 256], [('m', [64, 256], 16384), ('v', [64, 256], 16384)])
o, a = arrays('sgd')
assert o['name'] == 'SGD+momentum' and a['blocks.0.ffn.w1.b'] == ([256], [('v', [256], 256)])
o, a = arrays('adafactor')
assert o['name'] == 'Adafactor' and a['blocks.0.ffn.w1.w'] == ([64, 256], [('R', [64], 64), ('C', [256], 256)])
assert a['blocks.0.ffn.w1.b'] == ([256], [('V', [256], 256)])
o, a = arrays('adafactor_momentum')
assert a['blocks.0.ffn.w1.w'][1] == [('R', [64], 64), ('C', [256], 256), ('M', [64, 256], 16384)]
\" 2>&1"

check "dump: Adafactor's step equals Algorithm 4 recomputed from the dumped state and gradient" "$PY - '$tmp/adafactor.dump.json' <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
o = d['optimizer']
t = o['t']
b = 1 - t ** -0.8                                   # beta2hat_t
rho = min(1e-2, 1 / math.sqrt(t))
assert abs(o['beta2hat'] - b) < 1e-6 and abs(o['rho'] - rho) < 1e-9
scale = min(1.0, o['grad_clip'] / o['grad_norm']) if o['grad_clip'] > 0 else 1.0   # global-norm clipping first
X0 = {p['name']: p['values'] for p in d['params']}
G = {g['name']: [v * scale for v in g['values']] for g in d['grads']}
X1 = {p['name']: p['values'] for p in o['params_after']}
before = {t_['name']: {a['name']: a['values'] for a in t_['arrays']} for t_ in o['before']}
stats = {s['name']: s for s in o['tensors']}
worst = 0
for name in ['blocks.0.ffn.w1.w', 'blocks.1.attn.wq.w', 'blocks.0.ffn.w1.b', 'blocks.1.norm2.g']:
    shape = next(p['shape'] for p in d['params'] if p['name'] == name)
    x, g, st = X0[name], G[name], before[name]
    rms_x = math.sqrt(sum(v * v for v in x) / len(x))
    alpha = max(1e-3, rms_x) * rho
    if len(shape) == 2:
        n, m = shape
        R = [b * st['R'][i] + (1 - b) * sum(g[i * m + j] ** 2 + 1e-30 for j in range(m)) for i in range(n)]
        C = [b * st['C'][j] + (1 - b) * sum(g[i * m + j] ** 2 + 1e-30 for i in range(n)) for j in range(m)]
        sr = sum(R)
        U = [g[i * m + j] / math.sqrt(R[i] * C[j] / sr) for i in range(n) for j in range(m)]
    else:
        V = [b * st['V'][k] + (1 - b) * (g[k] ** 2 + 1e-30) for k in range(len(g))]
        U = [g[k] / math.sqrt(V[k]) for k in range(len(g))]
    u_rms = math.sqrt(sum(u * u for u in U) / len(U))
    c = max(1.0, u_rms / 1.0)
    assert abs(stats[name]['alpha'] - alpha) < 1e-5 * alpha, (name, stats[name]['alpha'], alpha)
    assert abs(stats[name]['update_rms'] - u_rms) < 1e-4 * u_rms, (name, stats[name]['update_rms'], u_rms)
    assert stats[name]['clipped'] == (c > 1 + 1e-5) or abs(c - 1) < 1e-5, name
    for k in range(len(x)):
        want = x[k] - alpha * U[k] / c
        worst = max(worst, abs(X1[name][k] - want) / alpha)
assert worst < 1e-3, worst        # in units of the step size: float32 weights move by about alpha
PY"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
