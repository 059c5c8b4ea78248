#!/usr/bin/env bash
# Control-table campaign, step 1: datasets and models for every family (small MLPs).
# MB and GrBAL get the same model and budget (3000 outer iterations); GrBAL's inner loop and
# online adapter step on the mean-only loss (adapt.loss=mse), its default alpha = 0.005.
set -euo pipefail
M="$(cd "$(dirname "$0")/../.." && pwd)/bin/mbmrl"
for f in pendulum cartpole slope reacher-damage quadrotor-payload; do
  [[ -d data-$f ]] || $M generate --family $f --out data-$f --train-tasks 40 --test-tasks 5 --ood-tasks 8 --episodes 4 --steps 100 --seed 3 | tail -1
  for alg in pooled maml; do
    [[ -d run-$f-$alg ]] && continue
    extra=()
    [[ $alg == maml ]] && extra=(--set train.second_order=true --set adapt.loss=mse)
    $M train --set algorithm=$alg --set dataset=$PWD/data-$f --set run_dir=$PWD/run-$f-$alg --set "model.hidden=[64, 64]" \
      --set train.iterations=3000 --set train.checkpoint_every=1000 --set seed=1 "${extra[@]}" > train-$f-$alg.log 2>&1
    $M evaluate --run run-$f-$alg --split ood 2>&1 | grep mean | sed "s/^/$f $alg /"
  done
done
