package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MAML on a dynamics model, as GrBAL uses it (survey II-C eq. 3-4; IV-A eq. 11, algorithm 1):
 * for each sampled trajectory segment, the inner loop takes k gradient steps on the NLL of
 * the M past transitions,
 *
 * <pre>  phi_{j+1} = phi_j - alpha grad L_past(phi_j),   phi_0 = theta,</pre>
 *
 * and the task's contribution is the gradient with respect to theta of the NLL of the K
 * future transitions under phi_k. Second order differentiates through the inner steps,
 *
 * <pre>  grad_theta L_future(phi_k) = (I - alpha H_0) ... (I - alpha H_{k-1}) grad L_future(phi_k),</pre>
 *
 * with H_j the Hessian of L_past at phi_j applied by the model's exact R-operator
 * Hessian-vector product; first order drops the H terms.
 */
public final class MamlLearner implements TaskLearner {
    private static final float[] NO_CONTEXT = new float[0];

    private final GaussianMlp model;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final boolean secondOrder;
    private final int segments;

    public MamlLearner(GaussianMlp model, Normalizer normalizer, InnerLoop inner, boolean secondOrder, int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("train.segments must be >= 1; got " + segments);
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.secondOrder = secondOrder;
        this.segments = segments;
    }

    @Override
    public TaskUpdate update(INDArray theta, TaskTransitions task, long seed) {
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        INDArray sum = model.zeros();
        INDArray g = model.zeros();
        double pre = 0;
        double post = 0;
        for (int start : starts) {
            Batch past = Batch.of(task, start, inner.past(), normalizer, NO_CONTEXT, model.dtype());
            Batch future = Batch.of(task, start + inner.past(), inner.future(), normalizer, NO_CONTEXT, model.dtype());
            pre += model.loss(theta, future.x(), future.y());
            post += metaGradient(theta, past, future, g);
            sum.addi(g);
        }
        return new TaskUpdate(task.taskId(), sum.divi(segments), pre / segments, post / segments, segments);
    }

    /**
     * The outer loss L_future(phi_k(theta)); its gradient with respect to theta is written
     * into {@code out}.
     */
    public double metaGradient(INDArray theta, Batch past, Batch future, INDArray out) {
        int k = inner.steps();
        INDArray[] phi = new INDArray[k + 1];
        phi[0] = theta;
        INDArray g = model.zeros();
        for (int j = 0; j < k; j++) {
            model.lossAndGradient(phi[j], past.x(), past.y(), g);
            phi[j + 1] = phi[j].sub(g.muli(inner.lr()));
        }
        double loss = model.lossAndGradient(phi[k], future.x(), future.y(), out);
        if (secondOrder) {
            INDArray hv = model.zeros();
            for (int j = k - 1; j >= 0; j--) {
                model.hessianVectorProduct(phi[j], past.x(), past.y(), out, hv);
                out.subi(hv.muli(inner.lr()));
            }
        }
        return loss;
    }
}
