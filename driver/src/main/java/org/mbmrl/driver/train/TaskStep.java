package org.mbmrl.driver.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.workers.KernelThreads;
import org.mbmrl.workers.NativeThreads;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What an executor computes for one sampled task in one outer iteration: the algorithm's task
 * update, a pure function of (theta, the task's state row, the task's data, run seed,
 * iteration, task id), added to the iteration's {@link IterationSum} as
 * {@code [direction (P) | metrics]} plus the task's new row. Shipped to executors inside the
 * job's closure (Java serialization of these few settings; no data).
 */
public final class TaskStep implements Serializable {
    private final Algorithm algorithm;
    private final ModelSpec spec;
    private final Normalizer normalizer;
    private final long runSeed;

    public TaskStep(RunConfig config, ModelSpec spec, Normalizer normalizer) {
        this.algorithm = config.algorithm();
        this.spec = spec;
        this.normalizer = normalizer;
        this.runSeed = config.seed();
    }

    /** The per-task learner of the configured algorithm. */
    public TaskLearner learner() {
        return algorithm.learner(spec.create(DataType.FLOAT), normalizer);
    }

    /** The seed of (iteration, task): picks the task's segments and any noise. */
    public long seed(int iteration, long taskId) {
        return Seeds.derive(runSeed, Seeds.STREAM_SEGMENTS, iteration, taskId);
    }

    /**
     * Runs on an executor: adds this task's {@code [direction | metrics]} to {@code sum}, reading
     * the direction in place, and its new state row; {@code row} is the task's current row.
     */
    public IterationSum contribute(IterationSum sum, float[] theta, float[] row, TaskTransitions task, int iteration) {
        configureThreads();
        return add(sum, theta, row, task, iteration);
    }

    /**
     * Runs on an executor: adds the contributions of this partition's tasks that are in the
     * iteration's {@code batch} (sorted ids; {@code rows} their current state rows, {@code width}
     * numbers each, in batch order) to {@code sum}. With N = spark.task.cpus native threads the
     * tasks are computed N at a time, each whole on one thread ({@link KernelThreads} parts,
     * tasks i, i + N, ... on part i), rather than one after another with every product split N
     * ways: several tasks per slot keep the threads busier than one 32-row product does, and a
     * task's numbers are those of one native thread at every spark.task.cpus. The sum is exact,
     * so how the tasks fall on the parts does not change it.
     */
    public IterationSum contributeAll(IterationSum sum, float[] theta, Iterable<TaskTransitions> partition, long[] batch,
            float[] rows, int width, int iteration) {
        configureThreads();
        List<TaskTransitions> sampled = new ArrayList<>();
        for (TaskTransitions t : partition) {
            if (Arrays.binarySearch(batch, t.taskId()) >= 0) {
                sampled.add(t);
            }
        }
        if (KernelThreads.threads() == 1 || sampled.isEmpty()) {
            for (TaskTransitions t : sampled) {
                sum = add(sum, theta, rowOf(t, batch, rows, width), t, iteration);
            }
            return sum;
        }
        // Also a lone task runs as a part, whole on its thread: its bits must not depend on how many share its slot.
        int parts = Math.min(KernelThreads.threads(), sampled.size());
        IterationSum[] partial = new IterationSum[parts];
        KernelThreads.run(parts, p -> {
            IterationSum s = new IterationSum();
            for (int i = p; i < sampled.size(); i += parts) {
                TaskTransitions t = sampled.get(i);
                s = add(s, theta, rowOf(t, batch, rows, width), t, iteration);
            }
            partial[p] = s;
        });
        for (IterationSum s : partial) {
            sum = sum.merge(s);
        }
        return sum;
    }

    private static float[] rowOf(TaskTransitions t, long[] batch, float[] rows, int width) {
        int k = Arrays.binarySearch(batch, t.taskId());
        return Arrays.copyOfRange(rows, k * width, (k + 1) * width);
    }

    /** One task's contribution on the calling thread, with the native threads as configured. */
    private IterationSum add(IterationSum sum, float[] theta, float[] row, TaskTransitions task, int iteration) {
        INDArray t = Nd4j.create(theta, new long[] {1, theta.length}, DataType.FLOAT);
        TaskUpdate u = learner().update(t, row, task, seed(iteration, task.taskId()));
        INDArray d = u.direction();
        if (d.length() != theta.length || d.isView() || d.offset() != 0) {
            throw new IllegalStateException("task update is not a plain vector of " + theta.length + " floats");
        }
        if (u.metrics().length != algorithm.metricNames().size() || u.taskState().length != algorithm.taskStateWidth()) {
            throw new IllegalStateException("task update of " + algorithm.name() + " has " + u.metrics().length
                    + " metrics and a row of " + u.taskState().length + "; expected " + algorithm.metricNames().size()
                    + " and " + algorithm.taskStateWidth());
        }
        float[] metrics = new float[u.metrics().length];
        for (int i = 0; i < metrics.length; i++) {
            metrics[i] = (float) u.metrics()[i];
        }
        java.nio.FloatBuffer head = d.data().asNioFloat();
        head.limit(theta.length);
        return sum.add(task.taskId(), head, metrics, u.taskState());
    }

    /** Native threads = the task's CPUs (spark.task.cpus), also in local mode. */
    public static void configureThreads() {
        TaskContext ctx = TaskContext.get();
        NativeThreads.configure(ctx == null ? 1 : Math.max(1, ctx.cpus()));
    }
}
