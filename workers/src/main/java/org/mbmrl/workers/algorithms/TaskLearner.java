package org.mbmrl.workers.algorithms;

import org.mbmrl.datasets.TaskTransitions;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-task half of a meta-learning algorithm: what an executor computes for one sampled
 * task, as a pure function of (theta, the task's state row, the task's data, seed). The driver
 * sums the directions of a meta-batch into one outer step and stores each task's new row.
 */
public interface TaskLearner {

    /**
     * This task's contribution; {@code taskState} is its current row (empty for algorithms
     * without per-task state), {@code seed} picks its trajectory segments and any noise.
     */
    TaskUpdate update(INDArray theta, float[] taskState, TaskTransitions task, long seed);
}
