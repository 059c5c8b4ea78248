package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The control comparisons of docs/results.md, end to end through the CLI at the campaigns'
 * sizes: a family's dataset, models with the same network ([64, 64]), budget (3000 outer
 * iterations) and seed, and their mean return on the first ood tasks.
 */
final class ControlComparison {
    static final int ITERATIONS = 3000;

    private ControlComparison() {}

    /**
     * On {@code family} (its dataset with {@code testTasks} test tasks), trains MB ({@code pooled})
     * and {@code algorithm} with {@code extra} settings, and asserts that the latter's controller
     * ({@code method}, e.g. {@code vi+vi}) reaches a higher mean return than MB's on the first
     * {@code oodTasks} ood tasks; prints both as a FIGURE line.
     */
    static void assertBeatsMb(String scratch, String family, int testTasks, int oodTasks, String label, String algorithm,
            String method, String... extra) {
        SparkSession spark = SharedSpark.local2();
        Path root = Fixtures.scratch(scratch);
        Path data = generate(root, family, testTasks);
        double mb = meanOodReturn(spark, train(root, data, "pooled"), "pooled+none", oodTasks);
        double adaptive = meanOodReturn(spark, train(root, data, algorithm, extra), method, oodTasks);
        System.out.printf(java.util.Locale.ROOT, "FIGURE %s ood mean return over %d tasks: %s %.2f, MB %.2f%n", family,
                oodTasks, label, adaptive, mb);
        assertTrue(adaptive > mb, label + " " + adaptive + " should beat MB " + mb + " on " + family + " ood");
    }

    /** {@code generate}: 40 train tasks, {@code testTasks} and 8 ood tasks, 4 episodes x 100 steps, seed 3. */
    static Path generate(Path root, String family, int testTasks) {
        Path data = root.resolve("data");
        SharedSpark.Run g = SharedSpark.cli("generate", "--family", family, "--out", data.toString(), "--train-tasks", "40",
                "--test-tasks", Integer.toString(testTasks), "--ood-tasks", "8", "--episodes", "4", "--steps", "100",
                "--seed", "3");
        assertEquals(0, g.exitCode(), g.err());
        return data;
    }

    /** {@code train} of {@code algorithm} on {@code data} into {@code root/algorithm}; {@code extra}: more key=value settings. */
    static Path train(Path root, Path data, String algorithm, String... extra) {
        Path run = root.resolve(algorithm);
        List<String> args = new ArrayList<>(List.of("train", "--set", "algorithm=" + algorithm, "--set", "dataset=" + data,
                "--set", "run_dir=" + run, "--set", "model.hidden=[64, 64]", "--set", "train.iterations=" + ITERATIONS,
                "--set", "train.checkpoint_every=" + ITERATIONS, "--set", "seed=1"));
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return run;
    }

    /**
     * {@code evaluate --control} of {@code run} on its first {@code tasks} ood tasks without the
     * mid-episode change; the mean return of {@code method}'s episodes (one per task).
     */
    static double meanOodReturn(SparkSession spark, Path run, String method, int tasks) {
        SharedSpark.Run r = SharedSpark.cli("evaluate", "--run", run.toString(), "--control", "--split", "ood", "--set",
                "control.tasks=" + tasks, "--set", "control.change_step=-1");
        assertEquals(0, r.exitCode(), r.err());
        System.out.println(r.out());
        List<Row> rows = spark.read().parquet(run.resolve("eval/control/iteration=" + ITERATIONS).toString())
                .filter("method = '" + method + "' AND split = 'ood' AND NOT changed").collectAsList();
        assertEquals(tasks, rows.size(), "one episode per ood task for " + method);
        double sum = 0;
        for (Row row : rows) {
            double ret = row.getAs("return");
            assertTrue(Double.isFinite(ret), method + " return " + ret);
            sum += ret;
        }
        return sum / rows.size();
    }
}
