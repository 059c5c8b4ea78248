package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-task half of a meta-learning algorithm: what an executor computes for one sampled
 * task, as a pure function of (theta, the task's data, seed). The driver combines the
 * updates of a meta-batch into one outer step.
 */
public interface TaskLearner {

    /** This task's contribution; {@code seed} picks its trajectory segments. */
    TaskUpdate update(INDArray theta, TaskTransitions task, long seed);
}
