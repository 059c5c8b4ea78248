#!/usr/bin/env bash
# Reacher-damage, GrBAL against MB beyond the first 5 ood tasks (docs/results.md): the models of
# control-models.sh (run-reacher-damage-{pooled,maml}) on all 8 ood tasks, and the same pair
# trained with algorithm 1 (train.rounds: 3, every train task x 1 on-policy episode per round,
# collection with CEM 200 x 15 x 3), on the first 5 and on all 8. Run after control-models.sh,
# in the same directory. No mid-episode change; evaluation with CEM 500 x 15 x 3.
set -euo pipefail
M="$(cd "$(dirname "$0")/../.." && pwd)/bin/mbmrl"
f=reacher-damage
for alg in pooled maml; do
  $M evaluate --run run-$f-$alg --control --split ood --set control.tasks=8 --set control.change_step=-1 2>&1 \
    | grep -E "^ood" | sed "s/^/8 tasks, no rounds: /"
done
for alg in pooled maml; do
  extra=()
  [[ $alg == maml ]] && extra=(--set train.second_order=true --set adapt.loss=mse)
  [[ -d run-$f-$alg-r3 ]] || $M train --set algorithm=$alg --set dataset=$PWD/data-$f --set run_dir=$PWD/run-$f-$alg-r3 \
    --set "model.hidden=[64, 64]" --set train.iterations=3000 --set train.checkpoint_every=1000 --set seed=1 "${extra[@]}" \
    --set train.rounds=3 --set collect.tasks=40 --set collect.episodes=1 --set control.planner.candidates=200 > train-$f-$alg-r3.log 2>&1
  for n in 5 8; do
    $M evaluate --run run-$f-$alg-r3 --control --split ood --set control.tasks=$n --set control.change_step=-1 \
      --set control.planner.candidates=500 2>&1 | grep -E "^ood" | sed "s/^/$n tasks, rounds 3: /"
  done
done
