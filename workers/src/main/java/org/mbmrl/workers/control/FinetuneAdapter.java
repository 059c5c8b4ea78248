package org.mbmrl.workers.control;

import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MB+DE, dynamic evaluation (Nagabandi et al. 2018's baseline): the model keeps training
 * during the episode. At every control step, k SGD steps of rate alpha on the loss of the last
 * M transitions (the NLL the pooled model was trained on), from the parameters of the previous
 * step (never reset to theta* within an episode, so the updates accumulate); {@link #reset()}
 * starts the next episode from theta*. Its k and alpha are its own ({@code control.finetune.*}),
 * not GrBAL's. The parameters are updated in place (one array, no gradient vector:
 * {@link org.mbmrl.workers.model.DynamicsModel#lossAndStep}). With the guard
 * ({@link AdapterSettings#guard()}), a control step's updates that do not lower the window's
 * loss below the previous parameters' are undone. For models without a context input.
 */
public final class FinetuneAdapter implements OnlineAdapter {
    public static final String NAME = "finetune";
    private final DynamicsModel model;
    private final INDArray thetaStar;
    private final AdapterSettings settings;
    private final INDArray current;
    private final INDArray previous;
    private final StepGuard guard;

    public FinetuneAdapter(DynamicsModel model, INDArray thetaStar, AdapterSettings settings) {
        if (model.contextDim() != 0) {
            throw new IllegalArgumentException("the finetune adapter takes a model without context input; got context_dim "
                    + model.contextDim());
        }
        this.model = model;
        this.thetaStar = thetaStar;
        this.settings = settings;
        this.current = thetaStar.dup();
        this.previous = settings.guard() ? thetaStar.dup() : null;
        this.guard = new StepGuard(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {
        current.assign(thetaStar);
        guard.reset();
    }

    @Override
    public AdaptedModel adapt(Batch window) {
        if (window != null && settings.steps() > 0) {
            double before = Double.NaN;
            if (settings.guard()) {
                previous.assign(current);
                before = model.loss(current, window.x(), window.y(), settings.loss());
            }
            double lr = guard.lr();
            for (int j = 0; j < settings.steps(); j++) {
                model.lossAndStep(current, window.x(), window.y(), settings.loss(), lr);
            }
            if (settings.guard() && !guard.accept(before, model.loss(current, window.x(), window.y(), settings.loss()))) {
                current.assign(previous);
            }
        }
        return AdaptedModel.of(current);
    }

    @Override
    public int rejectedSteps() {
        return guard.rejected();
    }
}
