package org.mbmrl.workers.control;

import org.mbmrl.workers.learn.Adaptation;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GrBAL's online adaptation (Nagabandi et al. 2018; survey IV-A, algorithm 2): at every
 * control step, phi = theta* after k gradient steps of rate alpha on the loss of the last M
 * transitions (eq. 3 applied k times, {@link Adaptation#adapt}), the loss the model was
 * meta-trained to adapt with ({@code adapt.loss}). phi depends only on theta* and the
 * current window, never on earlier steps (but for the guard's step size,
 * {@link AdapterSettings#guard()}: a phi whose window loss is not below theta*'s is replaced by
 * theta*). For models without a context input.
 */
public final class GradientAdapter implements OnlineAdapter {
    public static final String NAME = "gradient";
    private final DynamicsModel model;
    private final INDArray thetaStar;
    private final AdapterSettings settings;
    private final StepGuard guard;
    private final INDArray scales;

    public GradientAdapter(DynamicsModel model, INDArray thetaStar, AdapterSettings settings) {
        this(model, thetaStar, settings, null);
    }

    /**
     * {@code scales}: per-parameter factors of alpha ({@link org.mbmrl.workers.learn.StepScales}: the
     * {@code adapt.subspace} mask, Meta-SGD's learned rates), {@code [1, P]}; null for all 1.
     */
    public GradientAdapter(DynamicsModel model, INDArray thetaStar, AdapterSettings settings, INDArray scales) {
        if (model.contextDim() != 0) {
            throw new IllegalArgumentException("the gradient adapter takes a model without context input; got context_dim "
                    + model.contextDim());
        }
        this.model = model;
        this.thetaStar = thetaStar;
        this.settings = settings;
        this.guard = new StepGuard(settings);
        this.scales = scales;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {
        guard.reset();
    }

    @Override
    public AdaptedModel adapt(Batch window) {
        if (window == null || settings.steps() == 0) {
            return AdaptedModel.of(thetaStar);
        }
        INDArray phi = Adaptation.adapt(model, thetaStar, window, settings.steps(), guard.lr(), settings.loss(), scales);
        if (settings.guard()) {
            double before = model.loss(thetaStar, window.x(), window.y(), settings.loss());
            double after = model.loss(phi, window.x(), window.y(), settings.loss());
            if (!guard.accept(before, after)) {
                return AdaptedModel.of(thetaStar);
            }
        }
        return AdaptedModel.of(phi);
    }

    @Override
    public int rejectedSteps() {
        return guard.rejected();
    }
}
