package org.mbmrl.workers.algorithms.pooled;

import org.mbmrl.workers.algorithms.Adam;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MetaAlgorithm;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.algorithms.PlainModelAlgorithm;
import org.mbmrl.workers.algorithms.Section;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.control.NoAdapter;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Normalizer;

/** Registration of {@code pooled}: the non-meta baseline MB (survey II-F, eq. 10), Adam on the pooled NLL. */
public final class Pooled implements MetaAlgorithm {
    public static final String NAME = "pooled";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "MB: one model on all tasks' data (survey II-F, eq. 10); online: none, or finetune (MB+DE)";
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
            return new PooledLearner(model, normalizer, common.inner(), common.segments());
        }

        @Override
        public OuterOptimizer outerOptimizer(int parameters) {
            return new Adam(common.outerLr(), parameters);
        }

        @Override
        public String defaultOnlineAdapter() {
            return NoAdapter.NAME;
        }
    }
}
