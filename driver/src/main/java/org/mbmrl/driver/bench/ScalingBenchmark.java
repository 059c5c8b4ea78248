package org.mbmrl.driver.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.train.MetaBatchSampler;
import org.mbmrl.driver.train.TaskGang;
import org.mbmrl.driver.train.TaskStep;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code mbmrl bench --scaling}: the parts of an outer iteration through the {@link TaskGang}
 * on whatever master runs it ({@code local-cluster[E,1,MB]} with E = 1, 2, 4 executors, a
 * standalone cluster), for the scaling model of docs/benchmarks.md: per iteration the
 * driver's time writing theta to the members, waiting for and reading their partial sums,
 * merging them, the slowest member's compute and the mean compute per task, and the bytes
 * each way per member; weak scaling (meta-batch {@code perSlot} x slots) and strong scaling
 * (meta-batch {@code strongBatch}). Second-order maml, M = K = 32, one inner step, one segment,
 * on synthetic tasks of W1's dimensions (10 observations, 16 actions). Prints one CSV line
 * per point (prefix {@code SCALING}) besides the table, for {@code docs/experiments/scaling_model.py}.
 */
public final class ScalingBenchmark {
    private ScalingBenchmark() {}

    /** {@code slots}: task slots (= partitions, gang members); 0: Spark's default parallelism. */
    public static String run(SparkSession spark, int[] hidden, int perSlot, int strongBatch, int slots, int iterations,
            PrintStream out) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (slots == 0) {
            slots = jsc.defaultParallelism();
        }
        // On a cluster, wait (up to a minute) until there are executors for every slot: one core each here.
        for (int wait = 0; wait < 600 && !jsc.master().startsWith("local[")
                && jsc.sc().statusTracker().getExecutorInfos().length - 1 < slots; wait++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "scaling parts, master %s, %d task slots, hidden %s, medians of %d iterations%n",
                jsc.master(), slots, Arrays.toString(hidden), iterations));
        table.append(String.format(Locale.ROOT, "%-7s %6s %9s %9s %9s %9s %9s %9s %11s %11s%n", "mode", "batch", "total ms",
                "send ms", "wait ms", "merge ms", "max comp", "ms/task", "bytes out", "bytes in"));
        for (String mode : List.of("weak", "strong")) {
            int batch = mode.equals("weak") ? perSlot * slots : strongBatch;
            table.append(point(jsc, mode, hidden, batch, slots, iterations, out));
        }
        return table.toString();
    }

    private static String point(JavaSparkContext jsc, String mode, int[] hidden, int batch, int slots, int iterations,
            PrintStream out) {
        List<Integer> widths = Arrays.stream(hidden).boxed().toList();
        RunConfig config = ConfigLoader.load(null, List.of("algorithm=maml", "dataset=synthetic", "run_dir=none",
                "adapt.past=32", "adapt.future=32", "adapt.steps=1", "train.second_order=true", "train.segments=1",
                "train.meta_batch=" + batch, "model.hidden=" + widths));
        MlpSpec spec = new MlpSpec(SparkOverhead.OBS, SparkOverhead.ACT, 0, widths, Activation.TANH);
        float[] ones = new float[SparkOverhead.OBS + SparkOverhead.ACT];
        Arrays.fill(ones, 1f);
        float[] targetOnes = new float[SparkOverhead.OBS];
        Arrays.fill(targetOnes, 1f);
        TaskStep step = new TaskStep(config, spec, new Normalizer(new float[ones.length], ones, new float[SparkOverhead.OBS],
                targetOnes));
        float[] theta = spec.create(DataType.FLOAT).initialParameters(1).toFloatVector();
        long[] ids = LongStream.range(0, 2L * batch).toArray();
        JavaRDD<TaskTransitions> tasks = jsc.parallelize(Arrays.stream(ids).boxed().toList(), slots)
                .map(SparkOverhead::syntheticTask).cache();
        tasks.count();
        MetaBatchSampler sampler = new MetaBatchSampler(ids, batch, 5);
        List<TaskGang.Parts> parts = new ArrayList<>();
        double[] total = new double[iterations];
        try (TaskGang gang = TaskGang.start(jsc, tasks, step, Duration.ofSeconds(60))) {
            for (int it = 1; it <= iterations + 3; it++) {
                long t0 = System.nanoTime();
                gang.iterate(it, sampler.batch(it), new float[0], 0, theta);
                if (it > 3) {
                    total[it - 4] = (System.nanoTime() - t0) / 1e6;
                    parts.add(gang.lastParts());
                }
            }
        } catch (TaskGang.Failure e) {
            throw new IllegalStateException("the task gang failed: " + e.getMessage(), e);
        } finally {
            tasks.unpersist(false);
        }
        double send = median(parts.stream().mapToDouble(p -> p.sendNanos() / 1e6).toArray());
        double wait = median(parts.stream().mapToDouble(p -> p.receiveNanos() / 1e6).toArray());
        double merge = median(parts.stream().mapToDouble(p -> p.mergeNanos() / 1e6).toArray());
        double maxCompute = median(parts.stream().mapToDouble(p -> p.maxComputeNanos() / 1e6).toArray());
        double perTask = median(parts.stream().mapToDouble(p -> p.sumComputeNanos() / 1e6 / batch).toArray());
        long bytesOut = parts.get(0).bytesOut() / slots;
        long bytesIn = parts.get(0).bytesIn() / slots;
        double t = median(total);
        out.printf(Locale.ROOT, "SCALING,%s,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%d%n", mode, slots, batch,
                theta.length, t, send, wait, merge, maxCompute, perTask, bytesOut, bytesIn);
        return String.format(Locale.ROOT, "%-7s %6d %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %11d %11d%n", mode, batch, t, send,
                wait, merge, maxCompute, perTask, bytesOut, bytesIn);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
