package org.mbmrl.workers.algorithms.rebal;

import java.util.List;
import org.mbmrl.workers.algorithms.Adam;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MetaAlgorithm;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.algorithms.Section;
import org.mbmrl.workers.algorithms.Setting;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.algorithms.TaskStateTable;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.NoAdapter;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.mbmrl.workers.model.RecurrentGaussianModel;
import org.mbmrl.workers.model.RecurrentSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Registration of {@code rebal}, ReBAL (Nagabandi et al. 2019, the recurrence-based learner of
 * GrBAL's paper; survey IV-A with II-D eq. 7 and 8): the inner loop is a GRU run over the M
 * past transitions of a segment, whose hidden state conditions the Gaussian decoder
 * ({@link RecurrentGaussianModel}); the outer loss is eq. 11 on the K future transitions,
 * minimized by Adam through backpropagation through time ({@link RebalLearner}); online, the
 * hidden state is recomputed from the last M transitions at every control step
 * ({@link RebalAdapter}). Adapters: {@code rebal}, or {@code none} (h = 0).
 */
public final class Rebal implements MetaAlgorithm {
    public static final String NAME = "rebal";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "ReBAL: a GRU over the M past transitions conditions the dynamics model; trained by BPTT on the K future"
                + " (survey IV-A, II-D eq. 7, 8, 11)";
    }

    @Override
    public List<Setting> settings() {
        return List.of(new Setting("hidden_dim", 16, "width of the GRU's hidden state (the decoder's context input)"));
    }

    @Override
    public Algorithm bind(Section s, CommonSettings common) {
        if (common.inner().loss() == Loss.MSE) {
            throw new IllegalArgumentException("adapt.loss=mse needs algorithm maml (rebal's inner loop is a recurrent"
                    + " network, not gradient steps); got algorithm rebal");
        }
        return new Bound(common, s.positive("hidden_dim"));
    }

    private static final class Bound implements Algorithm {
        private final CommonSettings common;
        private final int hidden;

        Bound(CommonSettings common, int hidden) {
            this.common = common;
            this.hidden = hidden;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public int contextDim() {
            return hidden;
        }

        @Override
        public ModelSpec modelSpec(MlpSpec mlp) {
            return new RecurrentSpec(mlp);
        }

        @Override
        public TaskLearner learner(DynamicsModel model, Normalizer normalizer) {
            return new RebalLearner(recurrent(model), normalizer, common.inner(), common.segments());
        }

        @Override
        public OuterOptimizer outerOptimizer(int parameters) {
            return new Adam(common.outerLr(), parameters);
        }

        @Override
        public String metaTestAdapter() {
            return RebalAdapter.NAME;
        }

        @Override
        public String defaultOnlineAdapter() {
            return RebalAdapter.NAME;
        }

        @Override
        public List<String> onlineAdapters() {
            return List.of(RebalAdapter.NAME, NoAdapter.NAME);
        }

        /** Only M applies: the hidden state is a function of the window, with no steps or step size. */
        @Override
        public AdapterSettings adapterDefaults(String name) {
            if (!onlineAdapters().contains(name)) {
                throw unknownAdapter(name);
            }
            return new AdapterSettings(0, 0.0, common.inner().past(), Loss.NLL);
        }

        @Override
        public OnlineAdapter onlineAdapter(String name, DynamicsModel model, INDArray thetaStar, TaskStateTable trained,
                AdapterSettings adapter, long seed) {
            return switch (name) {
                case RebalAdapter.NAME -> new RebalAdapter(recurrent(model), thetaStar);
                case NoAdapter.NAME -> new NoAdapter(thetaStar, new double[hidden]);
                default -> throw unknownAdapter(name);
            };
        }

        private static RecurrentGaussianModel recurrent(DynamicsModel model) {
            if (model instanceof RecurrentGaussianModel r) {
                return r;
            }
            throw new IllegalArgumentException("algorithm rebal needs its recurrent model (RecurrentSpec); got "
                    + model.getClass().getSimpleName());
        }
    }
}
