package org.mbmrl.driver.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.TaskDistribution;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetGenerator;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.train.IterationSum;
import org.mbmrl.driver.train.MetaBatchSampler;
import org.mbmrl.driver.train.MetaTrainer;
import org.mbmrl.driver.train.TaskGang;
import org.mbmrl.driver.train.TaskStep;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code mbmrl bench --outer}: the demo's maml training (its config and its generated pendulum
 * data: 40 train tasks, meta-batch 10, 4 segments, 3 second-order inner steps, a 4-64-64-6
 * model) timed iteration by iteration three ways in one run: through the trainer's
 * {@link TaskGang} (the default), through one Spark job per iteration (broadcast +
 * treeAggregate, {@code train.gang=false}), and as a plain single-thread JVM loop of the same
 * {@link TaskStep}s; each from the same theta with its own optimizer, so all three train the
 * same iterations (and end with the same bits, which it checks). Also the fixed cost of each
 * Spark path: the same iteration with no task sampled. The gang and the jobs cannot share the
 * task slots, so the gang's iterations are interleaved with the loop's first, then the jobs'.
 * The first {@value #WARMUP} iterations of each are run but not timed.
 */
public final class OuterIterationBenchmark {
    /** Iterations run before the timed ones (the JIT's warm-up), as the PyTorch peer does. */
    static final int WARMUP = 20;

    private OuterIterationBenchmark() {}

    /** Milliseconds per iteration of each variant (means and medians), and whether the thetas agree. */
    public record Figures(int iterations, int slots, int parameters, Stat gang, Stat gangEmpty, Stat jobs, Stat jobsEmpty,
            Stat loop, double gangStartMillis, boolean sameBits) {
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT,
                    "outer iteration, the demo's maml (meta-batch 10, 4 segments, 3 inner steps, second order), %d parameters,"
                            + " %d timed iterations, %d task slots%n", parameters, iterations, slots));
            b.append(String.format(Locale.ROOT, "%-44s %9s %9s %9s%n", "", "mean ms", "median", "vs loop"));
            row(b, "spark, task gang (train.gang=true)", gang);
            row(b, "spark, a job per iteration (train.gang=false)", jobs);
            row(b, "plain JVM loop, one thread", loop);
            row(b, "fixed cost: gang, no task sampled", gangEmpty);
            row(b, "fixed cost: job, no task sampled", jobsEmpty);
            b.append(String.format(Locale.ROOT, "%-44s %9.1f%n", "gang start (once per checkpoint interval)", gangStartMillis));
            b.append("theta after the iterations, gang = jobs = loop: ").append(sameBits ? "same bits" : "DIFFERENT").append('\n');
            return b.toString();
        }

        private void row(StringBuilder b, String name, Stat s) {
            b.append(String.format(Locale.ROOT, "%-44s %9.2f %9.2f %8.2fx%n", name, s.mean(), s.median(), s.mean() / loop.mean()));
        }
    }

    /** Mean and median milliseconds. */
    public record Stat(double mean, double median) {
        static Stat of(double[] millis) {
            double[] s = millis.clone();
            Arrays.sort(s);
            return new Stat(Arrays.stream(s).average().orElse(Double.NaN), s[s.length / 2]);
        }
    }

    public static Figures run(SparkSession spark, int iterations, Path workDir, PrintStream out) {
        Path dir = Scratch.create(workDir, "mbmrl-bench-outer-");
        try {
            String data = dir.resolve("data").toString();
            DatasetGenerator.generate(spark, data, new TaskDistribution("pendulum", 40, 10, 10, 1), 4, 100, out);
            Path config = dir.resolve("demo.yaml");
            try (InputStream in = ConfigLoader.class.getResourceAsStream("demo.yaml")) {
                Files.write(config, in.readAllBytes());
            }
            RunConfig rc = ConfigLoader.load(config, List.of("algorithm=maml", "dataset=" + data, "run_dir=" + dir.resolve("run")));
            return measure(spark, rc, iterations, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Scratch.delete(dir);
        }
    }

    private static Figures measure(SparkSession spark, RunConfig config, int iterations, PrintStream out) {
        DatasetReader data = DatasetReader.open(spark, config.dataset());
        DatasetReader.LoadedSplit train = data.load(Split.TRAIN, config.adapt().segmentLength(), config.train().partitions());
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ModelSpec spec = config.modelSpec(data.manifest().observationDim(), data.manifest().actionDim());
            Normalizer norm = MetaTrainer.fitNormalizer(train.tasks());
            TaskStep step = new TaskStep(config, spec, norm);
            float[] theta0 = spec.create(DataType.FLOAT).initialParameters(Seeds.derive(config.seed(), Seeds.STREAM_INIT))
                    .toFloatVector();
            MetaBatchSampler sampler = new MetaBatchSampler(train.taskIds(), config.train().metaBatch(), config.seed());
            Map<Long, TaskTransitions> local = new HashMap<>();
            for (TaskTransitions t : train.tasks().collect()) {
                local.put(t.taskId(), t);
            }
            float[] none = new float[0];
            out.printf("bench --outer: %d + %d (warm-up) iterations each (gang with loop, then jobs with loop)%n", iterations,
                    WARMUP);

            Trajectory gangRun = new Trajectory(config, theta0);
            Trajectory loopRun = new Trajectory(config, theta0);
            int total = WARMUP + iterations;
            double[] gang = new double[total];
            double[] gangEmpty = new double[total];
            double[] loop = new double[2 * total];
            long s0 = System.nanoTime();
            TaskGang g = TaskGang.start(jsc, train.tasks(), step, java.time.Duration.ofSeconds(30));
            double startMillis = (System.nanoTime() - s0) / 1e6;
            try (g) {
                for (int it = 1; it <= total; it++) {
                    long[] batch = sampler.batch(it);
                    final int i = it;
                    gang[it - 1] = gangRun.step(it, theta -> g.iterate(i, batch, none, 0, theta));
                    loop[it - 1] = loopRun.step(it, theta -> loopSum(step, local, batch, theta, i));
                    gangEmpty[it - 1] = time(() -> g.iterate(i, new long[0], none, 0, gangRun.theta));
                }
            }
            Trajectory jobsRun = new Trajectory(config, theta0);
            Trajectory loopRun2 = new Trajectory(config, theta0);
            double[] jobs = new double[total];
            double[] jobsEmpty = new double[total];
            for (int it = 1; it <= total; it++) {
                long[] batch = sampler.batch(it);
                final int i = it;
                jobs[it - 1] = jobsRun.step(it, theta -> job(jsc, train, batch, theta, step, i));
                loop[total + it - 1] = loopRun2.step(it, theta -> loopSum(step, local, batch, theta, i));
                jobsEmpty[it - 1] = time(() -> job(jsc, train, new long[0], jobsRun.theta, step, i));
            }
            boolean same = Arrays.equals(gangRun.theta, jobsRun.theta) && Arrays.equals(gangRun.theta, loopRun.theta)
                    && Arrays.equals(loopRun.theta, loopRun2.theta);
            double[] loopTimed = new double[2 * iterations];
            System.arraycopy(loop, WARMUP, loopTimed, 0, iterations);
            System.arraycopy(loop, total + WARMUP, loopTimed, iterations, iterations);
            return new Figures(iterations, jsc.defaultParallelism(), theta0.length, timed(gang), timed(gangEmpty),
                    timed(jobs), timed(jobsEmpty), Stat.of(loopTimed), startMillis, same);
        } catch (TaskGang.Failure e) {
            throw new IllegalStateException("the task gang failed: " + e.getMessage(), e);
        } finally {
            train.release();
        }
    }

    private static Stat timed(double[] millis) {
        return Stat.of(Arrays.copyOfRange(millis, WARMUP, millis.length));
    }

    private static IterationSum job(JavaSparkContext jsc, DatasetReader.LoadedSplit train, long[] batch, float[] theta,
            TaskStep step, int it) {
        return MetaTrainer.iterationByJob(jsc, train.tasks(), batch, new float[0], 0, theta, step, it);
    }

    private static IterationSum loopSum(TaskStep step, Map<Long, TaskTransitions> local, long[] batch, float[] theta, int it) {
        IterationSum sum = new IterationSum();
        for (long id : batch) {
            step.contribute(sum, theta, new float[0], local.get(id), it);
        }
        return sum;
    }

    private interface Sum {
        IterationSum of(float[] theta) throws TaskGang.Failure;
    }

    private interface Timed {
        void run() throws TaskGang.Failure;
    }

    private static double time(Timed r) throws TaskGang.Failure {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    /** One variant's theta and optimizer: an iteration is its sum, then the outer update, as the trainer does it. */
    private static final class Trajectory {
        final float[] theta;
        final OuterOptimizer optimizer;

        Trajectory(RunConfig config, float[] theta0) {
            this.theta = theta0.clone();
            this.optimizer = config.algorithm().outerOptimizer(theta0.length);
        }

        double step(int it, Sum sum) throws TaskGang.Failure {
            long t0 = System.nanoTime();
            IterationSum s = sum.of(theta);
            optimizer.apply(theta, s.sum().mean());
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
