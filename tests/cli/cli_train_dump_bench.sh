#!/usr/bin/env bash
# CLI: train writes its history, dump writes every weight and gradient, bench --quick prints its tables.
set -u
BIN=$1; SRC=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
check() { if eval "$2"; then passes=$((passes+1)); else echo "FAIL: $1"; fails=$((fails+1)); fi; }
PY=/usr/bin/python3; command -v "$PY" >/dev/null || PY=python3

"$BIN" train "$SRC/configs/default.json" --steps 60 --threads 2 --out "$tmp/run.json" 2>"$tmp/train.err"
check "train exits 0" "[ $? -eq 0 ]"
check "train prints progress" "grep -q 'step     60/60' '$tmp/train.err'"
check "run.json has 60 steps, a final val loss and the config" \
  "$PY -c \"import json,sys; j=json.load(open('$tmp/run.json')); sys.exit(not (len(j['history'])==60 and j['final']['val_loss']>0 and j['config']['model']['d_model']==64))\""

"$BIN" dump "$SRC/configs/default.json" --out "$tmp/dump.json" 2>"$tmp/dump.err"
check "dump exits 0" "[ $? -eq 0 ]"
check "dump has every parameter with its gradient, the batch and the logits" \
  "$PY -c \"
import json,sys
j=json.load(open('$tmp/dump.json'))
names=[p['name'] for p in j['params']]
ok = names==[g['name'] for g in j['grads']] and 'embed.tokens' in names and 'blocks.1.attn.wq.w' in names
ok = ok and all(len(p['values'])==eval('*'.join(map(str,p['shape']))) for p in j['params'])
B,T,V = j['batch']['B'], j['batch']['T'], j['config']['model']['vocab_size']
ok = ok and len(j['logits'])==B*T*V and j['loss']>0
sys.exit(not ok)\""

# an MoE config: the history carries the routing statistics, the dump the router's numbers and the dispatch
"$BIN" train "$SRC/configs/moe.json" --steps 20 --threads 1 --out "$tmp/moe_run.json" 2>"$tmp/moe_train.err"
check "MoE train exits 0" "[ $? -eq 0 ]"
check "MoE progress line shows the routing" "grep -q 'moe aux' '$tmp/moe_train.err'"
check "MoE run.json has each step's routing statistics" \
  "$PY -c \"import json,sys; h=json.load(open('$tmp/moe_run.json'))['history']; sys.exit(not (len(h)==20 and all(r['moe']['balance_loss']>0 and 0<=r['moe']['dropped_fraction']<=1 for r in h)))\""
"$BIN" dump "$SRC/configs/moe.json" --out "$tmp/moe_dump.json" 2>"$tmp/moe_dump.err"
check "MoE dump exits 0" "[ $? -eq 0 ]"
check "MoE dump has router logits, routes, each expert's tokens and outputs" \
  "$PY -c \"
import json,sys
j=json.load(open('$tmp/moe_dump.json'))
B,T,D = j['batch']['B'], j['batch']['T'], j['config']['model']['d_model']
ok = len(j['moe'])==2 and j['moe_aux_loss']>0
for m in j['moe']:
    E = m['E']
    ok = ok and len(m['router_logits'])==B*T*E and len(m['routes'])==B*T
    ok = ok and sum(len(e['tokens']) for e in m['experts'])==sum(m['stats']['kept'])
    ok = ok and all(len(e['outputs'])==len(e['tokens'])*D for e in m['experts'])
    ok = ok and 'blocks.%d.moe.router.w' % m['layer'] in [g['name'] for g in j['grads']]
sys.exit(not ok)\""

"$BIN" bench --quick --threads 1 --json "$tmp/bench.json" >"$tmp/bench.out" 2>&1
check "bench exits 0" "[ $? -eq 0 ]"
check "bench prints matmul and training tables" "grep -q 'GFLOP/s' '$tmp/bench.out' && grep -q 'tokens/s' '$tmp/bench.out'"
check "bench writes JSON" "$PY -c \"import json; j=json.load(open('$tmp/bench.json')); assert j['train'][0]['tokens_per_sec']>0\""
check "bench prints the decode table" "grep -q 'decode (d_model 256' '$tmp/bench.out' && grep -q 'relative to MHA' '$tmp/bench.out'"
check "bench JSON has MHA/GQA/MQA decode rows at 64/256/1024, MQA reading 1/8 of MHA's K/V" "$PY -c \"import json
rows = json.load(open('$tmp/bench.json'))['decode']['rows']
cells = {(r['attention'], r['context']): r for r in rows}
assert sorted(cells) == sorted((a, n) for a in ('MHA', 'GQA', 'MQA') for n in (64, 256, 1024)), sorted(cells)
assert all(r['cached_us_per_token'] > 0 and r['uncached_us_per_token'] > 0 for r in rows)
assert all(cells[('MQA', n)]['kv_bytes_per_token'] * 8 == cells[('MHA', n)]['kv_bytes_per_token'] for n in (64, 256, 1024))\""
"$BIN" bench --only decode --torch >/dev/null 2>"$tmp/err"
check "bench --only decode --torch is refused" "[ $? -eq 2 ] && grep -q 'torch compares training' '$tmp/err'"
check "bench measures MoE: tokens/s and the routing share of each router" \
  "$PY -c \"import json; m=json.load(open('$tmp/bench.json'))['moe']; assert len(m)==4 and all(r['tokens_per_sec']>0 and 0<r['routing_share']<1 for r in m)\""

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
