package org.mbmrl.workers.algorithms.maml;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.StepScales;
import org.mbmrl.workers.learn.SegmentLearner;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Elementwise;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * MAML on a dynamics model, as GrBAL uses it (survey II-C eq. 3-4; IV-A eq. 11, algorithm 1):
 * for each sampled trajectory segment, the inner loop takes k gradient steps on the loss
 * ({@code adapt.loss}: the NLL, or the mean's squared error as in GrBAL) of the M past transitions,
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
 *
 * <p>With per-parameter step factors c ({@link StepScales}: the {@code adapt.subspace} mask,
 * and Meta-SGD's learned rates c_i = exp(s_i), Li et al. 2017) the steps are
 * {@code phi_{j+1} = phi_j - alpha c * grad L_past(phi_j)}; backwards, with
 * {@code v_k = grad L_future(phi_k)},
 *
 * <pre>  dL/ds += -alpha c * g_j * v_{j+1},   v_j = v_{j+1} - alpha H_j (c * v_{j+1}),</pre>
 *
 * g_j being the inner gradient at step j (the H term only in second order).
 */
public final class MamlLearner extends SegmentLearner {
    private final DynamicsModel.SecondOrder secondOrder;
    private final boolean learnedRates;
    /** The subspace mask when the rates are not learned (null: all parameters), built on first use. */
    private INDArray fixedScales;

    /** With {@code secondOrder}, the model must offer Hessian-vector products ({@link DynamicsModel#secondOrder()}). */
    public MamlLearner(DynamicsModel model, Normalizer normalizer, InnerLoop inner, boolean secondOrder, int segments) {
        this(model, normalizer, inner, secondOrder, segments, false);
    }

    /** {@code learnedRates}: Meta-SGD, the model's parameters end with log-scales of the step sizes. */
    public MamlLearner(DynamicsModel model, Normalizer normalizer, InnerLoop inner, boolean secondOrder, int segments,
            boolean learnedRates) {
        super(model, normalizer, inner, segments);
        this.learnedRates = learnedRates;
        this.secondOrder = secondOrder ? model.secondOrder().orElseThrow(() -> new IllegalArgumentException(
                "train.second_order=true needs a model with Hessian-vector products; " + model.getClass().getSimpleName()
                        + " has none")) : null;
    }

    @Override
    protected double[] segment(INDArray theta, TaskTransitions task, int start, Batch past, Batch future, INDArray direction) {
        double pre = model.loss(theta, future.x(), future.y(), Loss.NLL);
        return new double[] {pre, metaGradient(theta, past, future, direction)};
    }

    /**
     * The outer loss L_future(phi_k(theta)); its gradient with respect to theta is written
     * into {@code out}.
     *
     * <p>Allocates nothing per call: the inner gradient is computed in {@code out} (which the
     * outer gradient overwrites), phi_1..phi_k live in per-thread scratch vectors, and the
     * Hessian-vector products reuse phi_k's vector once the outer gradient no longer needs
     * it. (A fresh parameter-sized array costs milliseconds of page faults here, more than
     * the arithmetic of a small batch.)
     */
    public double metaGradient(INDArray theta, Batch past, Batch future, INDArray out) {
        int k = inner.steps();
        double lr = inner.lr();
        INDArray c = stepScales(theta);
        INDArray[] phi = new INDArray[k + 1];
        INDArray[] g = learnedRates ? new INDArray[k] : null;
        phi[0] = theta;
        for (int j = 0; j < k; j++) {
            phi[j + 1] = scratch(theta, j);
            if (secondOrder != null) {
                // The Hessian at phi_j (below) needs this forward pass again: keep it.
                secondOrder.lossAndGradientKeeping(phi[j], past.x(), past.y(), inner.loss(), out,
                        secondOrder.forwardRecord(past.size(), j));
            } else {
                model.lossAndGradient(phi[j], past.x(), past.y(), inner.loss(), out, null);
            }
            if (g != null) {
                g[j] = scratch(theta, k + 1 + j).assign(out);
            }
            if (c != null) {
                Elementwise.mul(out, c);
            }
            model.gradientStep(phi[j], out, lr, phi[j + 1]);
        }
        double loss = model.lossAndGradient(phi[k], future.x(), future.y(), Loss.NLL, out, null);
        INDArray scaleGradient = g != null ? scratch(theta, 2 * k + 1).assign(0) : null;
        INDArray cv = c != null && secondOrder != null && k > 0 ? scratch(theta, 2 * k + 2) : null;
        INDArray term = g != null ? scratch(theta, 2 * k + 3) : null;
        if ((secondOrder != null || g != null) && k > 0) {
            INDArray hv = phi[k];
            for (int j = k - 1; j >= 0; j--) {
                if (g != null) {
                    // d/ds_i of phi_{j+1} = -alpha c_i g_j,i (c_i = mask_i exp(s_i)).
                    scaleGradient.subi(term.assign(g[j]).muli(c).muli(out).muli(lr));
                }
                if (secondOrder != null) {
                    INDArray v = cv == null ? out : cv.assign(out).muli(c);
                    secondOrder.hessianVectorProduct(phi[j], past.x(), past.y(), v, hv, inner.loss(),
                            secondOrder.forwardRecord(past.size(), j));
                    Elementwise.subScaled(out, hv, lr, out);
                }
            }
        }
        if (scaleGradient != null) {
            int p = (int) (theta.length() / 2);
            out.get(NDArrayIndex.point(0), NDArrayIndex.interval(p, 2 * p))
                    .assign(scaleGradient.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, p)));
        }
        return loss;
    }

    /**
     * The step factors for {@code theta}: without learned rates they do not depend on theta,
     * so the subspace mask is built once per learner, not once per segment.
     */
    private INDArray stepScales(INDArray theta) {
        if (learnedRates) {
            return StepScales.of(model, inner.subspace(), theta, true);
        }
        if (fixedScales == null && inner.subspace() != org.mbmrl.workers.learn.Subspace.ALL) {
            fixedScales = StepScales.of(model, inner.subspace(), theta, false);
        }
        return fixedScales;
    }

    /** This thread's scratch vectors shaped like {@code theta}, one per inner step. */
    private static final ThreadLocal<Map<DataType, List<INDArray>>> SCRATCH = ThreadLocal.withInitial(HashMap::new);

    private static INDArray scratch(INDArray theta, int index) {
        List<INDArray> list = SCRATCH.get().computeIfAbsent(theta.dataType(), t -> new ArrayList<>());
        if (!list.isEmpty() && list.get(0).length() != theta.length()) {
            list.clear(); // another model size: let the old vectors go
        }
        while (list.size() <= index) {
            list.add(Nd4j.createUninitialized(theta.dataType(), theta.shape()));
        }
        return list.get(index);
    }
}
