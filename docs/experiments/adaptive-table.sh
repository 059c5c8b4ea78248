#!/usr/bin/env bash
# Adaptive-models campaign, step 3: the tables of docs/results.md from adaptive-control.sh's
# output in this directory (control-FAMILY-{test,ood,chosen}.txt).
#   1. Ood, mean return +- 95% CI half-width over the 8 tasks, without / with the change, per
#      family: the true dynamics, MB, and each method at the settings its test split chose.
#   2. Per family, the adaptive method the test split chooses among GrBAL (with its variants),
#      FAMLE, VI and ReBAL (best test mean of no change and change), its ood returns against
#      MB's, and the share of the gap from MB to the true dynamics it closes with the change.
#   3. Recovery steps and cost of every chosen setting, with the change.
# Usage: adaptive-table.sh [FAMILY...]
set -euo pipefail
families=("$@")
[[ ${#families[@]} -gt 0 ]] || families=(pendulum cartpole quadrotor-payload reacher-damage slope)

chosen() { # family method -> the label its test split chose
  { grep "^$1 chosen $2: " "control-$1-chosen.txt" 2>/dev/null || true; } | tail -n 1 | awk '{print $4}'
}

# ood line fields: FAMILY LABEL split change method episodes return std ci95 recovery recovered adapt plan rejected
ood() { # family label change -> "return ci95 recovery recovered adapt plan" of that label's first method line
  awk -v l="$2" -v c="$3" -v m="${4:-}" '$2 == l && $3 == "ood" && $4 == c && (m == "" || $5 == m) {
    print $7, $9, $10, $11, $12, $13; exit }' "control-$1-ood.txt"
}

echo "| family (ood, 8 tasks) | change | true dynamics | MB | MB+DE | GrBAL | FAMLE | VI | ReBAL |"
echo "|---|---|---|---|---|---|---|---|---|"
for f in "${families[@]}"; do
  [[ -f control-$f-ood.txt ]] || continue
  for change in no yes; do
    row="| $f | $change |"
    for k in true mb mbde grbal famle vi rebal; do
      case $k in
        true) v=$(ood "$f" mb "$change" true-dynamics) ;;
        mb) v=$(ood "$f" mb "$change" pooled+none) ;;
        *) l=$(chosen "$f" "$k"); v=$([[ -n $l ]] && ood "$f" "$l" "$change" || true) ;;
      esac
      if [[ -n $v ]]; then row+=" $(echo "$v" | awk '{printf "%.2f +- %.2f", $1, $2}') |"; else row+=" - |"; fi
    done
    echo "$row"
  done
done

echo
echo "| family | chosen on test (test mean) | chosen, ood no change | chosen, ood change | MB, change | true dynamics, change | gap to true closed (change) |"
echo "|---|---|---|---|---|---|---|"
for f in "${families[@]}"; do
  [[ -f control-$f-test.txt && -f control-$f-ood.txt ]] || continue
  best="" bestMean=""
  for k in grbal famle vi rebal; do
    l=$(chosen "$f" "$k")
    [[ -n $l ]] || continue
    m=$(awk -v l="$l" '$2 == l && $3 == "test" {s += $7; n++} END {if (n) printf "%.4f", s / n}' "control-$f-test.txt")
    if [[ -n $m && ( -z $best || $(awk -v a="$m" -v b="$bestMean" 'BEGIN {print (a > b)}') == 1 ) ]]; then
      best=$l bestMean=$m
    fi
  done
  [[ -n $best ]] || continue
  no=$(ood "$f" "$best" no | awk '{printf "%.2f +- %.2f", $1, $2}')
  yes=$(ood "$f" "$best" yes)
  mb=$(ood "$f" mb yes pooled+none)
  tr=$(ood "$f" mb yes true-dynamics)
  closed=$(awk -v a="${yes%% *}" -v m="${mb%% *}" -v t="${tr%% *}" 'BEGIN {
    if (t <= m) print "-"; else printf "%.0f %%", 100 * (a - m) / (t - m) }')
  printf "| %s | %s (%.1f) | %s | %s | %s | %.2f | %s |\n" "$f" "$best" "$bestMean" "$no" \
    "$(echo "$yes" | awk '{printf "%.2f +- %.2f", $1, $2}')" "$(echo "$mb" | awk '{printf "%.2f +- %.2f", $1, $2}')" \
    "${tr%% *}" "$closed"
done

echo
echo "| family | settings (chosen on test) | method | recovery steps (with change) | recovered | adapt ms | plan ms |"
echo "|---|---|---|---|---|---|---|"
for f in "${families[@]}"; do
  [[ -f control-$f-ood.txt ]] || continue
  for k in mb mbde grbal famle vi rebal; do
    l=$([[ $k == mb ]] && echo mb || chosen "$f" "$k")
    [[ -n $l ]] || continue
    awk -v f="$f" -v l="$l" '$2 == l && $3 == "ood" && $4 == "yes" {
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", f, l, $5, $10, $11, $12, $13 }' "control-$f-ood.txt"
  done
done
