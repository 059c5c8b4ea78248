package org.mbmrl.tests;

import org.junit.jupiter.api.Test;

/**
 * Issue 3's control outcome end to end, with the CLI a user runs (local[2], fixed seeds): on
 * {@code quadrotor-payload}, generate a dataset, train MB ({@code pooled}) and GrBAL
 * ({@code maml}, second order, the mean-only inner loss {@code adapt.loss: mse}) with the same
 * model and budget, then {@code evaluate --control} both on the first 5 ood tasks (heavier
 * payload, longer tether than any training task). GrBAL - adapting online with k = 3 steps on
 * the last 16 transitions at every control step - must reach a higher mean return than MB.
 * The settings are those of docs/results.md's control table (docs/experiments/control-models.sh).
 */
class GrBalVersusMbTest {
    @Test
    void grbalBeatsMbOnOodQuadrotorPayloadTasks() {
        ControlComparison.assertBeatsMb("grbal-vs-mb", "quadrotor-payload", 5, 5, "GrBAL", "maml", "maml+gradient",
                "train.second_order=true", "adapt.loss=mse");
    }
}
