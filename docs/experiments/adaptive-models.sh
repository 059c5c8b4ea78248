#!/usr/bin/env bash
# Adaptive-models campaign, step 1: for each family, a dataset (40 train / 8 test / 8 ood tasks,
# 4 random-action episodes of 100 steps, seed 3) and models with the same network ([64, 64],
# tanh) and budget (3000 outer iterations, seed 1): pooled (MB), maml (GrBAL: second order, with
# GrBAL's own mean-only inner loss, adapt.loss=mse), reptile, famle, vi and rebal at their
# defaults; and two variants of GrBAL's inner loop: maml-last (only the output layer adapts,
# adapt.subspace=last_layer) and maml-metasgd (Meta-SGD: learned per-parameter step sizes,
# maml.learned_lr=true), otherwise as maml, and maml-nll (the inner loop on the NLL, the
# default adapt.loss); then the K-step prediction error of each on the test
# and ood splits.
# Usage: [ALGORITHMS="maml rebal"] adaptive-models.sh [FAMILY...]   (run from an empty working
# directory; MBMRL=path/to/bin/mbmrl)
set -euo pipefail
M="${MBMRL:-$(cd "$(dirname "$0")/../.." && pwd)/bin/mbmrl}"
families=("$@")
[[ ${#families[@]} -gt 0 ]] || families=(pendulum cartpole quadrotor-payload reacher-damage slope)
for f in "${families[@]}"; do
  [[ -d data-$f ]] || $M generate --family "$f" --out "data-$f" --train-tasks 40 --test-tasks 8 --ood-tasks 8 \
    --episodes 4 --steps 100 --seed 3 | tail -1
  for run in ${ALGORITHMS:-pooled maml reptile famle vi rebal maml-last maml-metasgd maml-nll}; do
    grbal=(--set algorithm=maml --set train.second_order=true --set adapt.loss=mse)
    case $run in
      maml) extra=("${grbal[@]}") ;;
      maml-last) extra=("${grbal[@]}" --set adapt.subspace=last_layer) ;;
      maml-metasgd) extra=("${grbal[@]}" --set maml.learned_lr=true) ;;
      maml-nll) extra=(--set algorithm=maml --set train.second_order=true --set adapt.loss=nll) ;;
      *) extra=(--set algorithm="$run") ;;
    esac
    if [[ ! -d run-$f-$run/checkpoints/iter-003000 ]]; then
      # --continue: an interrupted run resumes from its newest checkpoint, to the same bits.
      $M train --continue --set dataset="$PWD/data-$f" --set run_dir="$PWD/run-$f-$run" \
        --set "model.hidden=[64, 64]" --set train.iterations=3000 --set train.checkpoint_every=500 --set seed=1 \
        "${extra[@]}" >> "train-$f-$run.log" 2>&1
    fi
    for split in test ood; do
      $M evaluate --run "run-$f-$run" --split $split 2>&1 | grep mean | sed "s/^/$f $run $split /"
    done
  done
done
