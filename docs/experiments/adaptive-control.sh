#!/usr/bin/env bash
# Adaptive-models campaign, step 2 (after adaptive-models.sh, in the same directory): control
# on every family, without and with its mid-episode change, CEM 500 x 15 x 3, one episode per
# task, paired start states and planner seeds for every method.
#   1. Settings are chosen on the 8 test tasks only: for each adaptive method a few online
#      settings (below); the one with the best mean return (no change and change averaged) wins.
#   2. The chosen settings, and MB and MPC on the true dynamics, run once on the 8 ood tasks.
# Output lines: FAMILY LABEL split change method episodes return std ci95 recovery ...
# Usage: [ONLY=mb|mbde|grbal|famle|vi|rebal] adaptive-control.sh [FAMILY...]   (MBMRL=path/to/bin/mbmrl)
# ONLY=METHOD runs one method's candidates and its ood episodes; ONLY=mb only MB's (with the
# true dynamics). Resumable: a label already in the family's test or ood file is not run again.
set -uo pipefail
M="${MBMRL:-$(cd "$(dirname "$0")/../.." && pwd)/bin/mbmrl}"
families=("$@")
[[ ${#families[@]} -gt 0 ]] || families=(pendulum cartpole quadrotor-payload reacher-damage slope)
methods=(mbde grbal famle vi rebal)
[[ -n "${ONLY:-}" ]] && methods=("$ONLY")
[[ "${ONLY:-}" == mb ]] && methods=()

# label | run | --set arguments (space-separated key=value)
candidates() {
  cat <<LIST
mbde-lr1e-4|pooled|control.adapter.type=finetune control.finetune.steps=1 control.finetune.lr=0.0001
mbde-lr5e-4|pooled|control.adapter.type=finetune control.finetune.steps=1 control.finetune.lr=0.0005
mbde-lr2e-3|pooled|control.adapter.type=finetune control.finetune.steps=1 control.finetune.lr=0.002
mbde-lr2e-3-guard|pooled|control.adapter.type=finetune control.finetune.steps=1 control.finetune.lr=0.002 control.adapter.guard=true
grbal-default|maml|
grbal-half|maml|control.adapter.lr=0.0025
grbal-double|maml|control.adapter.lr=0.01
grbal-x4|maml|control.adapter.lr=0.02
grbal-x8|maml|control.adapter.lr=0.04
grbal-10-steps|maml|control.adapter.steps=10
grbal-guard|maml|control.adapter.guard=true
grbal-last|maml-last|
grbal-accumulate-lr1e-4|maml|control.adapter.type=finetune control.finetune.steps=1 control.finetune.lr=0.0001
grbal-accumulate-lr5e-4|maml|control.adapter.type=finetune control.finetune.steps=1 control.finetune.lr=0.0005
grbal-accumulate-lr2e-3|maml|control.adapter.type=finetune control.finetune.steps=1 control.finetune.lr=0.002
grbal-metasgd|maml-metasgd|
grbal-nll|maml-nll|
famle-default|famle|
famle-select-only|famle|control.adapter.steps=0
famle-embedding-only|famle|control.adapter.lr=0.0
vi-default|vi|
vi-5-steps|vi|control.adapter.steps=5
vi-lr0.1|vi|control.adapter.lr=0.1
vi-window8|vi|control.adapter.window=8
vi-window32|vi|control.adapter.window=32
vi-window64|vi|control.adapter.window=64
vi-kl0.01|vi|vi.inference_beta=0.01
vi-kl0.001|vi|vi.inference_beta=0.001
vi-window32-kl0.01|vi|control.adapter.window=32 vi.inference_beta=0.01
vi-window32-kl0.001|vi|control.adapter.window=32 vi.inference_beta=0.001
rebal-default|rebal|
rebal-window8|rebal|control.adapter.window=8
LIST
}

control() { # family label run split [key=value | --reference]...
  local f=$1 label=$2 run=$3 split=$4
  shift 4
  local out="control-$f-$split.txt" episodes="episodes/$f-$label-$split"
  # Ood episodes are kept (per-step rewards, for adaptive-recovery.sh); a line without them is run again.
  if grep -q "^$f $label $split " "$out" 2>/dev/null && [[ $split == test || -d $episodes ]]; then
    grep "^$f $label $split " "$out"
    return
  fi
  local args=()
  for a in "$@"; do
    if [[ $a == --* ]]; then args+=("$a"); else args+=(--set "$a"); fi
  done
  local lines
  lines=$($M evaluate --run "run-$f-$run" --control --split "$split" "${args[@]}" 2>&1 | grep -E "^$split " | sed "s/^/$f $label /")
  echo "$lines"
  grep -q "^$f $label $split " "$out" 2>/dev/null || echo "$lines" >> "$out"
  if [[ $split == ood && -n $lines ]]; then
    mkdir -p episodes && rm -rf "$episodes" && cp -r "run-$f-$run/eval/control/iteration=3000" "$episodes"
  fi
}

for f in "${families[@]}"; do
  # 1. Test split: every candidate of the methods run (a candidate whose run has not finished training is left out).
  for method in "${methods[@]}"; do
    candidates | grep "^$method-" | while IFS='|' read -r label run sets; do
      if [[ ! -d run-$f-$run/checkpoints/iter-003000 ]]; then
        echo "$f $label: run-$f-$run has not finished its 3000 iterations, left out" >&2
        continue
      fi
      # shellcheck disable=SC2086
      control "$f" "$label" "$run" test $sets
    done
    # The winner: the best mean of (no change, change) on test.
    best=$(awk -v m="$method" '$2 ~ "^"m"-" && $5 != "true-dynamics" {s[$2]+=$7; n[$2]++}
      END {b=""; for (k in s) if (b == "" || s[k]/n[k] > s[b]/n[b]) b=k; print b}' "control-$f-test.txt")
    echo "$f chosen $method: $best" | tee -a "control-$f-chosen.txt"
  done
  # 2. Ood split: MB (with the true dynamics) and each method's chosen settings.
  if [[ -z "${ONLY:-}" || "${ONLY:-}" == mb ]]; then
    control "$f" mb pooled ood --reference
  fi
  for method in "${methods[@]}"; do
    best=$(grep "^$f chosen $method: " "control-$f-chosen.txt" | tail -n 1 | awk '{print $4}')
    line=$(candidates | grep "^$best|")
    run=$(echo "$line" | cut -d'|' -f2)
    sets=$(echo "$line" | cut -d'|' -f3)
    # shellcheck disable=SC2086
    control "$f" "$best" "$run" ood $sets
  done
done
