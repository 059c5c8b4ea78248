package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
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
        Path data = root.resolve("data");
        SharedSpark.Run g = SharedSpark.cli("generate", "--family", FAMILY, "--out", data.toString(), "--train-tasks", "40",
                "--test-tasks", "5", "--ood-tasks", "8", "--episodes", "4", "--steps", "100", "--seed", "3");
        assertEquals(0, g.exitCode(), g.err());

        double mb = meanOodReturn(spark, train(root, data, "pooled"), "pooled+none");
        double grbal = meanOodReturn(spark, train(root, data, "maml", "train.second_order=true", "adapt.loss=mse"),
                "maml+gradient");
        System.out.printf(Locale.ROOT, "FIGURE %s ood mean return over %d tasks: GrBAL %.2f, MB %.2f%n", FAMILY, OOD_TASKS,
                grbal, mb);
        assertTrue(grbal > mb, "GrBAL " + grbal + " should beat MB " + mb + " on " + FAMILY + " ood");
    }

    private static Path train(Path root, Path data, String algorithm, String... extra) {
        Path run = root.resolve(algorithm);
        List<String> args = new java.util.ArrayList<>(List.of("train", "--set", "algorithm=" + algorithm, "--set",
                "dataset=" + data, "--set", "run_dir=" + run, "--set", "model.hidden=[64, 64]", "--set",
                "train.iterations=3000", "--set", "train.checkpoint_every=1000", "--set", "seed=1"));
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return run;
    }

    /** Mean return of {@code method} over the first {@link #OOD_TASKS} ood tasks, episodes without the change. */
    private static double meanOodReturn(SparkSession spark, Path run, String method) {
        SharedSpark.Run r = SharedSpark.cli("evaluate", "--run", run.toString(), "--control", "--split", "ood", "--set",
                "control.tasks=" + OOD_TASKS, "--set", "control.change_step=-1");
        assertEquals(0, r.exitCode(), r.err());
        System.out.println(r.out());
        List<Row> rows = spark.read().parquet(run.resolve("eval/control/iteration=3000").toString())
                .filter("method = '" + method + "' AND split = 'ood' AND NOT changed").collectAsList();
        assertEquals(OOD_TASKS, rows.size(), "one episode per ood task for " + method);
        double sum = 0;
        for (Row row : rows) {
            double ret = row.getAs("return");
            assertTrue(Double.isFinite(ret), method + " return " + ret);
            sum += ret;
        }
        return sum / rows.size();
    }
}
