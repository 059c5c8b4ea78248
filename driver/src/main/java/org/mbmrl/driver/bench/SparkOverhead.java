package org.mbmrl.driver.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.train.IterationSum;
import org.mbmrl.driver.train.MetaTrainer;
import org.mbmrl.driver.train.TaskStep;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The Spark overhead of one outer iteration: meta-batch 20, second-order maml (M = K = 32,
 * one inner step, {@code segments} trajectory segments per task) on the W1 model (26 -> 512 -> 512 -> 512 -> 20) over synthetic tasks,
 * timed through the real training path (broadcast, cached task RDD, exact treeAggregate)
 * against the same {@link TaskStep} computations in a plain JVM loop, both in this run.
 * The loop uses as many threads as Spark has task slots, each with one native thread, as
 * the executors do; a single-threaded loop is reported too.
 */
public final class SparkOverhead {
    public static final int META_BATCH = 20;
    static final int OBS = 10;
    static final int ACT = 16;
    static final int ROWS = 256;
    /** maml keeps no per-task state. */
    private static final float[] NO_ROWS = new float[0];

    private SparkOverhead() {}

    /** Seconds per outer iteration of each variant. */
    public record Figures(int parameters, int segments, int slots, double sparkSeconds, double loopSeconds, double serialSeconds,
            double emptyJobSeconds) {
        public double overhead() {
            return sparkSeconds / loopSeconds - 1;
        }

        public String table() {
            return String.format(Locale.ROOT,
                    "outer iteration, maml second order, meta-batch %d, M = K = 32, %d segment(s) per task, %d parameters, %d task slots%n"
                            + "%-38s %10.3f s%n%-38s %10.3f s%n%-38s %10.3f s%n%-38s %10.3f s%n%-38s %+9.1f %%%n"
                            + "%-38s %+9.1f %%%n",
                    META_BATCH, segments, parameters, slots, "spark (broadcast + treeAggregate)", sparkSeconds,
                    "plain JVM loop, same threads", loopSeconds, "plain JVM loop, one thread", serialSeconds,
                    "spark, same job with no task sampled", emptyJobSeconds,
                    "spark overhead vs same-thread loop", 100 * overhead(),
                    "spark vs one-thread loop", 100 * (sparkSeconds / serialSeconds - 1));
        }
    }

    public static Figures measure(SparkSession spark, int[] hidden, int segments, int iterations, PrintStream out) {
        List<Integer> widths = Arrays.stream(hidden).boxed().toList();
        RunConfig config = ConfigLoader.load(null, List.of("algorithm=maml", "dataset=synthetic", "run_dir=none",
                "adapt.past=32", "adapt.future=32", "adapt.steps=1", "train.second_order=true", "train.segments=" + segments,
                "train.meta_batch=" + META_BATCH, "model.hidden=" + widths));
        MlpSpec spec = new MlpSpec(OBS, ACT, 0, widths, Activation.TANH);
        float[] ones = new float[OBS + ACT];
        Arrays.fill(ones, 1f);
        float[] targetOnes = new float[OBS];
        Arrays.fill(targetOnes, 1f);
        Normalizer norm = new Normalizer(new float[OBS + ACT], ones, new float[OBS], targetOnes);
        TaskStep step = new TaskStep(config, spec, norm);
        float[] theta = spec.create(DataType.FLOAT).initialParameters(1).toFloatVector();
        long[] batch = LongStream.range(0, META_BATCH).toArray();

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slots = jsc.defaultParallelism();
        JavaRDD<TaskTransitions> tasks = jsc.parallelize(Arrays.stream(batch).boxed().toList(), slots)
                .map(SparkOverhead::syntheticTask).cache();
        tasks.count();
        List<TaskTransitions> local = Arrays.stream(batch).mapToObj(SparkOverhead::syntheticTask).toList();

        out.printf("spark overhead: %d parameters, %d task slots, %d timed iterations each%n", spec.parameterCount(), slots,
                iterations);
        ExecutorService pool = Executors.newFixedThreadPool(slots);
        double[][] seconds;
        try {
            // Interleaved (spark, loop, serial) rounds, so drift in a shared machine's load
            // hits all three alike; medians per variant.
            seconds = interleaved(iterations,
                    it -> {
                        MetaTrainer.iterationByJob(jsc, tasks, batch, NO_ROWS, 0, theta, step, it);
                    },
                    it -> loop(pool, local, slots, step, theta, it),
                    it -> {
                        IterationSum sum = new IterationSum();
                        for (TaskTransitions t : local) {
                            step.contribute(sum, theta, NO_ROWS, t, it);
                        }
                    },
                    it -> {
                        // The same job with no task sampled: Spark's fixed cost per iteration.
                        MetaTrainer.iterationByJob(jsc, tasks, new long[0], NO_ROWS, 0, theta, step, it);
                    });
        } finally {
            pool.shutdownNow();
        }
        double sparkSeconds = seconds[0][iterations / 2];
        double loopSeconds = seconds[1][iterations / 2];
        double serialSeconds = seconds[2][iterations / 2];
        double emptySeconds = seconds[3][iterations / 2];
        tasks.unpersist(false);
        return new Figures(spec.parameterCount(), segments, slots, sparkSeconds, loopSeconds, serialSeconds, emptySeconds);
    }

    /**
     * The tasks cut into {@code slots} contiguous shares, as {@code parallelize} cuts them;
     * each thread sums its share into its own partial sum, then the partial sums are merged:
     * the executors' work without Spark.
     */
    private static void loop(ExecutorService pool, List<TaskTransitions> tasks, int slots, TaskStep step, float[] theta,
            int it) {
        List<Future<IterationSum>> futures = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            List<TaskTransitions> share = tasks.subList(s * tasks.size() / slots, (s + 1) * tasks.size() / slots);
            futures.add(pool.submit(() -> {
                IterationSum partial = new IterationSum();
                for (TaskTransitions t : share) {
                    step.contribute(partial, theta, NO_ROWS, t, it);
                }
                return partial;
            }));
        }
        IterationSum sum = new IterationSum();
        try {
            for (Future<IterationSum> f : futures) {
                sum.merge(f.get());
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Iteration {
        void run(int iteration);
    }

    /** Sorted seconds of {@code n} rounds of each variant, after one warm-up round. */
    private static double[][] interleaved(int n, Iteration... variants) {
        double[][] s = new double[variants.length][n];
        for (int round = 0; round <= n; round++) {
            for (int v = 0; v < variants.length; v++) {
                long t0 = System.nanoTime();
                variants[v].run(round);
                if (round > 0) {
                    s[v][round - 1] = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        for (double[] x : s) {
            Arrays.sort(x);
        }
        return s;
    }

    /** One episode of random transitions with W1's dimensions (a pure function of the id). */
    static TaskTransitions syntheticTask(long id) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(99, id));
        TaskTransitions.Builder b = new TaskTransitions.Builder(id, OBS, ACT, ROWS);
        double[] obs = new double[OBS];
        double[] act = new double[ACT];
        double[] next = new double[OBS];
        for (int t = 0; t < ROWS; t++) {
            for (int j = 0; j < OBS; j++) {
                obs[j] = rng.nextDouble() * 2 - 1;
                next[j] = obs[j] + 0.1 * (rng.nextDouble() * 2 - 1);
            }
            for (int j = 0; j < ACT; j++) {
                act[j] = rng.nextDouble() * 2 - 1;
            }
            b.add(0, t, obs, act, next, 0.0, false, t == ROWS - 1);
        }
        return b.build();
    }
}
