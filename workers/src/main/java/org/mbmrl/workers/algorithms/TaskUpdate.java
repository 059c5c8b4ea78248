package org.mbmrl.workers.algorithms;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One task's contribution to an outer step: {@code direction} (the meta-gradient of maml and
 * vi, the plain gradient of pooled, {@code phi - theta} of reptile and famle, averaged over the
 * task's segments) is summed over the meta-batch; {@code taskState} is the task's new row (not
 * summed; empty without per-task state); {@code metrics} are the values named by
 * {@link Algorithm#metricNames()}.
 */
public record TaskUpdate(long taskId, INDArray direction, float[] taskState, double[] metrics, int segments) {}
