package org.mbmrl.workers.algorithms.maml;

import org.mbmrl.workers.algorithms.Adam;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MetaAlgorithm;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.algorithms.PlainModelAlgorithm;
import org.mbmrl.workers.algorithms.Section;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.control.GradientAdapter;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Normalizer;

/**
 * Registration of {@code maml}, GrBAL (survey II-C eq. 3, 4; IV-A eq. 11): k inner steps on the
 * M past transitions of a segment ({@code adapt.*}), Adam on the NLL of the K future ones,
 * first or second order ({@code train.second_order}); online: the same k steps from theta*
 * every control step.
 */
public final class Maml implements MetaAlgorithm {
    public static final String NAME = "maml";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "GrBAL: MAML on the dynamics model (survey II-C eq. 3, 4; IV-A eq. 11, algorithms 1, 2)";
    }

    @Override
    public Algorithm bind(Section section, CommonSettings common) {
        return new Bound(common);
    }

    private static final class Bound extends PlainModelAlgorithm {
        Bound(CommonSettings common) {
            super(common);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public TaskLearner learner(DynamicsModel model, Normalizer normalizer) {
            return new MamlLearner(model, normalizer, common.inner(), common.secondOrder(), common.segments());
        }

        @Override
        public OuterOptimizer outerOptimizer(int parameters) {
            return new Adam(common.outerLr(), parameters);
        }

        @Override
        public String defaultOnlineAdapter() {
            return GradientAdapter.NAME;
        }
    }
}
