package org.mbmrl.driver.train;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.config.RunConfig.Algorithm;
import org.mbmrl.workers.NativeThreads;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.MamlLearner;
import org.mbmrl.workers.learn.PooledLearner;
import org.mbmrl.workers.learn.ReptileLearner;
import org.mbmrl.workers.learn.TaskLearner;
import org.mbmrl.workers.learn.TaskUpdate;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What an executor computes for one sampled task in one outer iteration: the algorithm's
 * task update as a flat float vector {@code [direction (P) | pre-loss | post-loss]}, a pure
 * function of (theta, the task's data, run seed, iteration, task id). Shipped to executors
 * inside the job's closure (Java serialization of these few settings; no data).
 */
public final class TaskStep implements Serializable {
    private final Algorithm algorithm;
    private final MlpSpec spec;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final RunConfig.Train train;
    private final RunConfig.Reptile reptile;
    private final long runSeed;

    public TaskStep(RunConfig config, MlpSpec spec, Normalizer normalizer) {
        this.algorithm = config.algorithm();
        this.spec = spec;
        this.normalizer = normalizer;
        this.inner = config.adapt();
        this.train = config.train();
        this.reptile = config.reptile();
        this.runSeed = config.seed();
    }

    /** The per-task learner of the configured algorithm. */
    public TaskLearner learner() {
        GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
        return switch (algorithm) {
            case MAML -> new MamlLearner(model, normalizer, inner, train.secondOrder(), train.segments());
            case REPTILE -> new ReptileLearner(model, normalizer, inner, reptile.steps(), reptile.lr(), train.segments());
            case POOLED -> new PooledLearner(model, normalizer, inner, train.segments());
        };
    }

    /** The seed of (iteration, task): picks the task's segments. */
    public long seed(int iteration, long taskId) {
        return Seeds.derive(runSeed, Seeds.STREAM_SEGMENTS, iteration, taskId);
    }

    /**
     * Runs on an executor: adds this task's {@code [direction | pre-loss | post-loss]} to
     * {@code sum}, reading the direction in place.
     */
    public ExactSum contribute(ExactSum sum, float[] theta, TaskTransitions task, int iteration) {
        configureThreads();
        INDArray t = Nd4j.create(theta, new long[] {1, theta.length}, DataType.FLOAT);
        TaskUpdate u = learner().update(t, task, seed(iteration, task.taskId()));
        INDArray d = u.direction();
        if (d.length() != theta.length || d.isView() || d.offset() != 0) {
            throw new IllegalStateException("task update is not a plain vector of " + theta.length + " floats");
        }
        java.nio.FloatBuffer head = d.data().asNioFloat();
        head.limit(theta.length);
        return sum.add(task.taskId(), head, new float[] {(float) u.preLoss(), (float) u.postLoss()});
    }

    /** Native threads = the task's CPUs (spark.task.cpus), also in local mode. */
    public static void configureThreads() {
        TaskContext ctx = TaskContext.get();
        NativeThreads.configure(ctx == null ? 1 : Math.max(1, ctx.cpus()));
    }
}
