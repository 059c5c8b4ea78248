package org.mbmrl.workers.algorithms;

import java.util.List;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.FinetuneAdapter;
import org.mbmrl.workers.control.GradientAdapter;
import org.mbmrl.workers.control.NoAdapter;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.learn.StepScales;
import org.mbmrl.workers.model.DynamicsModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What maml, reptile and pooled share: a model without context input, no per-task state, and
 * the three online adapters that act on the weights alone: {@code gradient} (GrBAL: k steps
 * from theta* on the window, the meta-test inner loop {@code adapt.*}, on {@code adapt.subspace}), {@code finetune} (MB+DE,
 * with its own {@code control.finetune.*}) and {@code none} (MB).
 */
public abstract class PlainModelAlgorithm implements Algorithm {
    private static final List<String> ADAPTERS = List.of(GradientAdapter.NAME, FinetuneAdapter.NAME, NoAdapter.NAME);

    protected final CommonSettings common;

    protected PlainModelAlgorithm(CommonSettings common) {
        this.common = common;
    }

    /** The gradient adapter's per-parameter step factors for {@code theta} ({@link StepScales}; null: all 1). */
    protected INDArray stepScales(DynamicsModel model, INDArray theta) {
        return StepScales.of(model, common.inner().subspace(), theta, false);
    }

    @Override
    public String metaTestAdapter() {
        return GradientAdapter.NAME;
    }

    @Override
    public List<String> onlineAdapters() {
        return ADAPTERS;
    }

    @Override
    public AdapterSettings adapterDefaults(String name) {
        return switch (name) {
            case GradientAdapter.NAME, NoAdapter.NAME -> AdapterSettings.of(common.inner());
            case FinetuneAdapter.NAME -> common.finetune();
            default -> throw unknownAdapter(name);
        };
    }

    @Override
    public OnlineAdapter onlineAdapter(String name, DynamicsModel model, INDArray thetaStar, TaskStateTable trained,
            AdapterSettings settings, long seed) {
        return switch (name) {
            case GradientAdapter.NAME -> new GradientAdapter(model, thetaStar, settings, stepScales(model, thetaStar));
            case FinetuneAdapter.NAME -> new FinetuneAdapter(model, thetaStar, settings);
            case NoAdapter.NAME -> new NoAdapter(thetaStar);
            default -> throw unknownAdapter(name);
        };
    }
}
