package org.mbmrl.workers.control;

import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MB+DE, dynamic evaluation (Nagabandi et al. 2018's baseline; DESIGN.md {@code pooled-de}):
 * the model keeps training during the episode. At every control step, k SGD steps of rate
 * alpha on the loss of the last M transitions (the NLL the pooled model was trained on), from
 * the parameters of the previous step (never reset to theta* within an episode, so the updates
 * accumulate); {@link #reset()} starts the next episode from theta*. The parameters are updated
 * in place (one array, one gradient buffer).
 */
public final class FinetuneAdapter implements OnlineAdapter {
    public static final String NAME = "finetune";
    private final GaussianMlp model;
    private final INDArray thetaStar;
    private final AdapterSettings settings;
    private final INDArray current;
    private final INDArray gradient;

    public FinetuneAdapter(GaussianMlp model, INDArray thetaStar, AdapterSettings settings) {
        this.model = model;
        this.thetaStar = thetaStar;
        this.settings = settings;
        this.current = thetaStar.dup();
        this.gradient = model.zeros();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {
        current.assign(thetaStar);
    }

    @Override
    public INDArray parameters(RecentTransitions recent) {
        if (recent.size() > 0) {
            Batch data = recent.batch();
            for (int j = 0; j < settings.steps(); j++) {
                model.lossAndGradient(current, data.x(), data.y(), gradient, settings.loss());
                current.subi(gradient.muli(settings.lr()));
            }
        }
        return current;
    }
}
