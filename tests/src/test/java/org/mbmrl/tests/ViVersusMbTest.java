package org.mbmrl.tests;

import org.junit.jupiter.api.Test;

/**
 * Issue 10's control outcome end to end through the CLI (local[2], fixed seeds): on
 * {@code reacher-damage}, where GrBAL loses to MB (docs/results.md, the adaptive models' control
 * table: on the 8 ood tasks -42.3 against -39.5 without the change, -47.8 against -43.2 with
 * it, worse on 7 of the 8 tasks), VI-MBMRL beats MB. The campaign's data and training
 * (docs/experiments/adaptive-models.sh: 40 train / 8 test / 8 ood tasks, [64, 64], 3000
 * iterations, seed 1; vi at its defaults), then {@code evaluate --control} of MB
 * ({@code pooled + none}) and VI ({@code vi + vi}: q(z) from the prior, 20 ELBO steps on the
 * last 16 transitions at every control step, eq. 23) on the first 5 ood tasks (two damaged
 * joints, more damage than any training task has), without the mid-episode change. VI is the
 * adaptive method reacher-damage's test split chooses (docs/results.md, 2026-12-02: -16.9 on
 * test against GrBAL's best -17.7), so this is the family's adaptive default beating MB where
 * the plain GrBAL step does not.
 */
class ViVersusMbTest {
    @Test
    void viBeatsMbOnOodReacherDamageTasks() {
        ControlComparison.assertBeatsMb("vi-vs-mb", "reacher-damage", 8, 5, "VI", "vi", "vi+vi");
    }
}
