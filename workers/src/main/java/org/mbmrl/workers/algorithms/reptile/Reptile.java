package org.mbmrl.workers.algorithms.reptile;

import java.util.List;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MetaAlgorithm;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.algorithms.PlainModelAlgorithm;
import org.mbmrl.workers.algorithms.Section;
import org.mbmrl.workers.algorithms.Setting;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.control.GradientAdapter;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;

/**
 * Registration of {@code reptile} (survey II-C eq. 5, 6): {@code reptile.steps} SGD steps of
 * {@code reptile.lr} on a whole segment, theta += {@code reptile.epsilon} * mean(phi - theta);
 * online: GrBAL's gradient adapter.
 */
public final class Reptile implements MetaAlgorithm {
    public static final String NAME = "reptile";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "Reptile on the dynamics model (survey II-C eq. 5, 6)";
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("steps", 8, "gradient steps on a segment"),
                new Setting("lr", 0.01, "their step size"),
                new Setting("epsilon", 0.5, "theta += epsilon * mean(phi - theta)"));
    }

    @Override
    public Algorithm bind(Section section, CommonSettings common) {
        if (common.inner().loss() == Loss.MSE) {
            // Reptile has no outer loss: its inner steps alone train the model, the variance too.
            throw new IllegalArgumentException("adapt.loss=mse needs algorithm maml (reptile trains the variance only"
                    + " through its inner loss, so it adapts on the nll); got algorithm reptile");
        }
        return new Bound(common, section.positive("steps"), section.positiveNumber("lr"), section.fraction("epsilon"));
    }

    private static final class Bound extends PlainModelAlgorithm {
        private final int steps;
        private final double lr;
        private final double epsilon;

        Bound(CommonSettings common, int steps, double lr, double epsilon) {
            super(common);
            this.steps = steps;
            this.lr = lr;
            this.epsilon = epsilon;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public TaskLearner learner(DynamicsModel model, Normalizer normalizer) {
            return new ReptileLearner(model, normalizer, common.inner(), steps, lr, common.segments());
        }

        @Override
        public OuterOptimizer outerOptimizer(int parameters) {
            return new ReptileStep(epsilon);
        }

        @Override
        public String defaultOnlineAdapter() {
            return GradientAdapter.NAME;
        }
    }
}
