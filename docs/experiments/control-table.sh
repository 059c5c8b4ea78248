#!/usr/bin/env bash
# Control-table campaign, step 2: ood control episodes for every family and method (5 tasks).
set -uo pipefail
M="$(cd "$(dirname "$0")/../.." && pwd)/bin/mbmrl"
for f in reacher-damage quadrotor-payload pendulum cartpole slope; do
  $M evaluate --run run-$f-pooled --control --split ood --set control.tasks=5 --reference 2>&1 | grep -E "^ood" | sed "s/^/$f /"
  $M evaluate --run run-$f-pooled --control --split ood --set control.tasks=5 --set control.adapter.type=finetune 2>&1 | grep -E "^ood" | sed "s/^/$f /"
  $M evaluate --run run-$f-maml --control --split ood --set control.tasks=5 2>&1 | grep -E "^ood" | sed "s/^/$f /"
done
