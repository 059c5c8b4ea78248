package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
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
    static final String FAMILY = "quadrotor-payload";
    static final int OOD_TASKS = 5;

    @Test
    void grbalBeatsMbOnOodQuadrotorPayloadTasks() {
        SparkSession spark = SharedSpark.local2();
        Path root = Fixtures.scratch("grbal-vs-mb");
        Path data = ControlComparison.generate(root, FAMILY, 5);

        double mb = ControlComparison.meanOodReturn(spark, ControlComparison.train(root, data, "pooled"), "pooled+none",
                OOD_TASKS);
        double grbal = ControlComparison.meanOodReturn(spark,
                ControlComparison.train(root, data, "maml", "train.second_order=true", "adapt.loss=mse"), "maml+gradient",
                OOD_TASKS);
        System.out.printf(Locale.ROOT, "FIGURE %s ood mean return over %d tasks: GrBAL %.2f, MB %.2f%n", FAMILY, OOD_TASKS,
                grbal, mb);
        assertTrue(grbal > mb, "GrBAL " + grbal + " should beat MB " + mb + " on " + FAMILY + " ood");
    }
}
