package org.mbmrl.workers.learn;

/**
 * Prediction error on one held-out task, averaged over its evaluation segments: NLL
 * (normalized units, eq. 11) and MSE of the predicted next observation (observation units)
 * on the K future transitions, before adaptation (theta) and after adapting on the M past
 * transitions (phi).
 */
public record TaskEvaluation(long taskId, int segments, double nllBefore, double nllAfter, double mseBefore, double mseAfter) {}
