package org.mbmrl.workers.learn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One task's contribution to an outer step: {@code direction} is the meta-gradient (maml),
 * the plain gradient (pooled) or {@code phi - theta} (reptile), averaged over the task's
 * segments; the losses are the mean NLL of the K future transitions before and after the
 * inner loop adapts theta on the M past ones.
 */
public record TaskUpdate(long taskId, INDArray direction, double preLoss, double postLoss, int segments) {}
