#!/usr/bin/env bash
# CLI: export-torch. Tiny runs of a matrix of mechanisms (MHA, GQA, MQA, talking heads + dconv, learned and no
# positions, post-norm + RMSNorm, untied head, the FFN kinds, Switch / top-2 / expert-choice / noisy top-k MoE
# with capacity drops) are saved and exported; where python3-torch is installed every script must reproduce the
# core's logits on the watched example (exit 0, the difference printed), a script whose embedded logits were
# changed must fail (exit 1), and a damaged or foreign run file must be refused (exit 2). Without torch the
# scripts are still checked for their module definitions. Bad inputs to the command: one line, exit 2.
set -u
BIN=$1; SRC=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
fail() { echo "FAIL: $*"; fails=$((fails+1)); }
pass() { passes=$((passes+1)); }

. "$SRC/tests/cli/lib/expect.sh"

# a python that imports torch: the first on PATH, else Debian's (the first on PATH may be another install)
PY=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c "import torch" 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || echo "SKIP: python3-torch not installed (the scripts are written and checked, not run)"

# config NAME MODEL_JSON: a tiny reverse-task run with the given model section, 6 steps, saved and exported
config() {
  cat >"$tmp/$1.json" <<EOF
{"model": {"d_model": 16, "n_heads": 4, "n_layers": 2, "d_ff": 24, "seq_len": 10, $2},
 "data": {"task": "reverse", "digits": 5},
 "optim": {"kind": "adamw", "lr": 0.01, "weight_decay": 0.01, "schedule": "cosine", "warmup": 2},
 "train": {"batch_size": 4, "steps": 6, "seed": 5, "eval_every": 6, "val_batches": 1}}
EOF
}

# name | model settings | a definition the script must hold
cases=(
  "mha|\"ffn\": \"relu\"|class Attention"
  "gqa_gelu|\"n_kv_heads\": 2, \"ffn\": \"gelu\"|repeat_interleave"
  "mqa_swiglu|\"n_kv_heads\": 1, \"ffn\": \"swiglu\"|self.v = nn.Linear"
  "talking_dconv_geglu|\"talking_heads\": true, \"attention_dconv\": 3, \"ffn\": \"geglu\", \"n_kv_heads\": 2|def causal_dconv"
  "learned_bilinear_untied|\"positions\": \"learned\", \"ffn\": \"bilinear\", \"tie_embeddings\": false|self.lm_head"
  "nopos_post_rms_reglu|\"positions\": \"none\", \"placement\": \"post\", \"norm\": \"rmsnorm\", \"ffn\": \"reglu\", \"ffn_bias\": true|class Norm(nn.Module)"
  "glu_unmatched_unscaled|\"ffn\": \"glu\", \"ffn_match_params\": false, \"scale_embeddings\": false, \"scale_attention\": false|torch.sigmoid"
  "sqrelu_bidirectional|\"ffn\": \"squared_relu\", \"causal\": false|F.relu(a).square()"
  "gelu_erf|\"ffn\": \"gelu_erf\", \"n_layers\": 1|F.gelu(a)"
  "swish|\"ffn\": \"swish\", \"n_layers\": 1|F.silu(a)"
  "switch|\"ffn\": \"relu\", \"moe\": {\"experts\": 4, \"router\": \"switch\", \"eval_capacity_factor\": 0.8}|class MoE"
  "top2_random_groups|\"ffn\": \"swiglu\", \"moe\": {\"experts\": 4, \"router\": \"top2\", \"eval_capacity_factor\": 3.0, \"second_threshold\": 0.9, \"group_size\": 5, \"every\": 2}|class CoreRng"
  "top2_threshold|\"moe\": {\"experts\": 3, \"router\": \"top2\", \"second_policy\": \"threshold\", \"second_threshold\": 0.3, \"eval_capacity_factor\": 1.2}|SECOND_THRESHOLD"
  "top2_all|\"n_layers\": 1, \"moe\": {\"experts\": 4, \"router\": \"top2\", \"second_policy\": \"all\", \"eval_capacity_factor\": 1.0}|policy all"
  "top2_none|\"n_layers\": 1, \"moe\": {\"experts\": 4, \"router\": \"top2\", \"second_policy\": \"none\"}|policy none"
  "expert_choice|\"moe\": {\"experts\": 4, \"router\": \"expert_choice\", \"eval_capacity_factor\": 1.5}|Expert choice"
  "noisy_topk|\"moe\": {\"experts\": 4, \"router\": \"noisy_topk\", \"k\": 2}|self.router_noise"
)

for c in "${cases[@]}"; do
  IFS='|' read -r name model must <<<"$c"
  config "$name" "$model"
  if ! "$BIN" train "$tmp/$name.json" --threads 1 --quiet --save "$tmp/$name.noamrun" >"$tmp/out" 2>&1; then
    fail "$name: training failed"; sed 's/^/    /' "$tmp/out" | head -3; continue
  fi
  expect 0 "wrote .*$name.py" -- "$BIN" export-torch "$tmp/$name.noamrun" --out "$tmp/$name.py"
  for def in "class TransformerLM" "class Block" "class Attention" "class FeedForward" "def read_noamrun" \
             "load_state_dict(params, strict=True)" "CORE_LOGITS = " "$must"; do
    if grep -qF -- "$def" "$tmp/$name.py"; then pass; else fail "$name.py lacks '$def'"; fi
  done
  # no dead options: a dense run's script holds no MoE, a run without talking heads no mixing matrices
  case "$model" in *moe*) ;; *) if grep -q "class MoE" "$tmp/$name.py"; then fail "$name.py defines an MoE"; else pass; fi ;; esac
  case "$model" in *talking*) ;; *) if grep -q "talk_logits" "$tmp/$name.py"; then fail "$name.py mixes heads"; else pass; fi ;; esac
  [ -n "$PY" ] || continue
  expect 0 "OK: the PyTorch model reproduces NoamLab's logits" -- "$PY" "$tmp/$name.py"
  grep -h "max |logits" "$tmp/out" | sed "s/^/    $name: /"
done

# ---- the MoE scripts check the routing too: the Switch run's watched example drops routes at eval capacity 0.8
if [ -n "$PY" ]; then
  expect 0 "MoE block 0: [0-9]+ routes processed, [1-9][0-9]* dropped by capacity: the same routing" -- "$PY" "$tmp/switch.py"
  expect 0 "MoE block 1: [0-9]+ routes processed, [1-9][0-9]* dropped by capacity: the same routing" -- \
    "$PY" "$tmp/top2_random_groups.py"
  # GShard's random policy: the script draws the core's evaluation uniforms; other draws route differently
  sed 's/CoreRng(0x5EC0DE)/CoreRng(0x5EC0DF)/' "$tmp/top2_random_groups.py" >"$tmp/other_draws.py"
  expect 1 "DIFFERENT from NoamLab's"             -- "$PY" "$tmp/other_draws.py"
fi

# ---- --weights-out: the weights as JSON, read by the script instead of the run file ----
expect 0 "wrote .*w.py.* and .*w.json" -- "$BIN" export-torch "$tmp/switch.noamrun" --out "$tmp/w.py" --weights-out "$tmp/w.json"
python3 - "$tmp/w.json" <<'EOF2' && pass || fail "w.json lacks tokens, logits or state_dict"
import json, sys
w = json.load(open(sys.argv[1]))
sys.exit(0 if w["tokens"] and len(w["logits"]) > 0 and "blocks.0.moe.router.weight" in w["state_dict"] else 1)
EOF2
cp "$tmp/mha.noamrun" "$tmp/damaged.noamrun"
printf '\x42' | dd of="$tmp/damaged.noamrun" bs=1 seek=2000 conv=notrunc 2>/dev/null
if [ -n "$PY" ]; then
  expect 0 "OK: the PyTorch model reproduces"     -- "$PY" "$tmp/w.py"
  expect 0 "OK: the PyTorch model reproduces"     -- "$PY" "$tmp/w.py" --run "$tmp/switch.noamrun"

  # the check can fail: a script whose first embedded logit was changed by 0.5 must exit 1
  python3 - "$tmp/mha.py" "$tmp/changed.py" <<'EOF2' || fail "could not change the embedded logits"
import sys
text = open(sys.argv[1]).read()
at = text.index("CORE_LOGITS = [\n    [") + len("CORE_LOGITS = [\n    [")
open(sys.argv[2], "w").write(text[:at] + "0.5 + " + text[at:])
EOF2
  expect 1 "MISMATCH: .* logits"                  -- "$PY" "$tmp/changed.py"
  # the script's own checks of the run file: damaged, foreign (another model), missing
  expect 2 "damaged.noamrun: checksum mismatch"   -- "$PY" "$tmp/mha.py" --run "$tmp/damaged.noamrun"
  expect 2 "its model differs"                    -- "$PY" "$tmp/mha.py" --run "$tmp/gqa_gelu.noamrun"
  expect 2 "missing.noamrun: cannot open"         -- "$PY" "$tmp/mha.py" --run "$tmp/missing.noamrun"
  expect 2 "bad magic"                            -- "$PY" "$tmp/mha.py" --run "$tmp/mha.json"
fi

# ---- refusals: one line, exit 2, nothing written ----
expect 2 "expected one RUN.noamrun"              -- "$BIN" export-torch --out "$tmp/never.py"
expect 2 "--out MODEL.py is required"            -- "$BIN" export-torch "$tmp/mha.noamrun"
expect 2 "unknown"                               -- "$BIN" export-torch "$tmp/mha.noamrun" --out "$tmp/never.py" --bogus
expect 2 "name the same file"                    -- "$BIN" export-torch "$tmp/mha.noamrun" --out "$tmp/never.py" --weights-out "$tmp/never.py"
expect 2 "missing.noamrun: cannot open"          -- "$BIN" export-torch "$tmp/missing.noamrun" --out "$tmp/never.py"
expect 2 "checksum does not match"               -- "$BIN" export-torch "$tmp/damaged.noamrun" --out "$tmp/never.py"
BROKEN=$SRC/tests/data/broken_runs
expect 2 "flipped_weight_byte.noamrun: damaged"  -- "$BIN" export-torch "$BROKEN/flipped_weight_byte.noamrun" --out "$tmp/never.py"
expect 2 "empty file, not a run file"            -- "$BIN" export-torch "$BROKEN/empty.noamrun" --out "$tmp/never.py"
expect 2 "cannot write .*no/such/dir/m.py"       -- "$BIN" export-torch "$tmp/mha.noamrun" --out "$tmp/no/such/dir/m.py"
expect 2 "cannot write"                          -- "$BIN" export-torch "$tmp/mha.noamrun" --out "$tmp"
# a run that stopped itself with non-finite weights has no logits to reproduce
"$BIN" train "$SRC/tests/data/runs/tiny.json" --lr 1e9 --quiet --save "$tmp/diverged.noamrun" >/dev/null 2>&1
expect 2 "diverged.noamrun: its logits on the watched example are not finite .*loss is not finite" -- \
  "$BIN" export-torch "$tmp/diverged.noamrun" --out "$tmp/never.py"
[ ! -e "$tmp/never.py" ] && pass || fail "a refused export wrote its output"
expect 0 "usage: noamlab export-torch"           -- "$BIN" export-torch --help
expect 0 "export-torch RUN"                      -- "$BIN" help

echo "export_torch: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
