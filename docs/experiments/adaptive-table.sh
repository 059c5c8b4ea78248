#!/usr/bin/env bash
# Adaptive-models campaign, step 3: the ood control table from adaptive-control.sh's output
# (control-FAMILY-ood.txt in this directory): mean return +- 95% CI half-width over the 8 ood
# tasks, without / with the change, per family and method; then recovery steps and adapt ms.
set -euo pipefail
families=("$@")
[[ ${#families[@]} -gt 0 ]] || families=(pendulum cartpole quadrotor-payload reacher-damage slope)
echo "| family (ood, 8 tasks) | change | true dynamics | MB | MB+DE | GrBAL | FAMLE | VI | ReBAL |"
echo "|---|---|---|---|---|---|---|---|---|"
for f in "${families[@]}"; do
  [[ -f control-$f-ood.txt ]] || continue
  for change in no yes; do
    awk -v f="$f" -v c="$change" '
      $3 == "ood" && $4 == c {
        m = $5
        k = (m == "true-dynamics") ? "true" : (m == "pooled+none") ? "mb" : (m == "pooled+finetune") ? "mbde" \
          : (m ~ /^maml\+/) ? "grbal" : (m ~ /^famle\+/) ? "famle" : (m ~ /^vi\+/) ? "vi" : (m ~ /^rebal\+/) ? "rebal" : ""
        if (k != "") { v[k] = sprintf("%.2f +- %.2f", $7, $9); r[k] = $7 }
      }
      END {
        best = ""; for (k in r) if (k != "true" && (best == "" || r[k] > r[best])) best = k
        printf "| %s | %s |", f, c
        n = split("true mb mbde grbal famle vi rebal", order, " ")
        for (i = 1; i <= n; i++) { k = order[i]; s = (k in v) ? v[k] : "-"; if (k == best) s = "**" s "**"; printf " %s |", s }
        printf "\n"
      }' "control-$f-ood.txt"
  done
done
echo
echo "| family | method | settings (chosen on test) | recovery steps (with change) | recovered | adapt ms | plan ms |"
echo "|---|---|---|---|---|---|---|"
for f in "${families[@]}"; do
  [[ -f control-$f-ood.txt ]] || continue
  awk -v f="$f" '$3 == "ood" && $4 == "yes" { printf "| %s | %s | %s | %s | %s | %s | %s |\n", f, $5, $2, $10, $11, $12, $13 }' \
    "control-$f-ood.txt"
done
