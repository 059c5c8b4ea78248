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
import org.mbmrl.workers.algorithms.Setting;
import org.mbmrl.workers.learn.StepScales;
import org.mbmrl.workers.model.LearnedRateSpec;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.ModelSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Registration of {@code maml}, GrBAL (survey II-C eq. 3, 4; IV-A eq. 11): k inner steps on the
 * M past transitions of a segment ({@code adapt.*}), Adam on the NLL of the K future ones,
 * first or second order ({@code train.second_order}); online: the same k steps from theta*
 * every control step. {@code maml.learned_lr} makes it Meta-SGD (Li et al. 2017): a step size
 * per parameter, meta-trained with theta ({@link LearnedRateSpec}).
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
    public java.util.List<Setting> settings() {
        return java.util.List.of(new Setting("learned_lr", false, "Meta-SGD: meta-train a step size per parameter"
                + " (alpha exp(s_i), s_i from 0) with theta; online and meta-test adaptation use them"));
    }

    @Override
    public Algorithm bind(Section section, CommonSettings common) {
        return new Bound(common, section.bool("learned_lr"));
    }

    private static final class Bound extends PlainModelAlgorithm {
        private final boolean learnedRates;

        Bound(CommonSettings common, boolean learnedRates) {
            super(common);
            this.learnedRates = learnedRates;
        }

        @Override
        public ModelSpec modelSpec(MlpSpec mlp) {
            return learnedRates ? new LearnedRateSpec(mlp) : mlp;
        }

        @Override
        protected INDArray stepScales(DynamicsModel model, INDArray theta) {
            return StepScales.of(model, common.inner().subspace(), theta, learnedRates);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public TaskLearner learner(DynamicsModel model, Normalizer normalizer) {
            return new MamlLearner(model, normalizer, common.inner(), common.secondOrder(), common.segments(), learnedRates);
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
