package org.mbmrl.driver.train;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.config.RunConfig;
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
