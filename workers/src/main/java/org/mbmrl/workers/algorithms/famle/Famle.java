package org.mbmrl.workers.algorithms.famle;

import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MetaAlgorithm;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.algorithms.Section;
import org.mbmrl.workers.algorithms.Setting;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.algorithms.TaskStateTable;
import org.mbmrl.workers.algorithms.reptile.ReptileStep;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.NoAdapter;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Registration of {@code famle}, Fast Adaptation through Meta-Learning Embeddings (Kaushik et
 * al. 2020; survey IV-B, algorithms 3 and 4, eq. 17 and 18): the model takes a learned
 * situation embedding h as its context input, one h_i per training task (the per-task state);
 * meta-training is Reptile over theta and the embeddings ({@link FamleLearner}); online, the most
 * likely training embedding for the last M transitions, then k joint SGD steps
 * ({@link FamleAdapter}). Adapters: {@code famle}, or {@code none} (theta* and the mean
 * embedding).
 */
public final class Famle implements MetaAlgorithm {
    public static final String NAME = "famle";

    /** The {@code famle:} section, validated. */
    public record Settings(int embeddingDim, double embeddingInitStd, int steps, double lr, double embeddingLr,
            double epsilon, double embeddingEpsilon, double adaptEmbeddingLr) implements Serializable {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "FAMLE: Reptile over theta and a learned embedding per task; online eq. 17 then 18 (survey IV-B,"
                + " algorithms 3, 4)";
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("embedding_dim", 4, "width of the situation embedding h (the model's context input)"),
                new Setting("embedding_init_std", 0.5, "initial embeddings: seeded N(0, std^2) per task"),
                new Setting("steps", 8, "alg. 3 line 9: joint SGD steps on (theta, h_i) per segment"),
                new Setting("lr", 0.01, "their step size on theta"),
                new Setting("embedding_lr", 0.1, "their step size on h_i"),
                new Setting("epsilon", 0.5, "alg. 3 line 10: theta += epsilon * mean(phi - theta)"),
                new Setting("embedding_epsilon", 1.0, "alg. 3 line 11: h_i += embedding_epsilon * (h_i' - h_i)"),
                Setting.online("adapt_embedding_lr", 0.1, "eq. 18: beta, the online step size on h (theta's is adapt.lr)"));
    }

    @Override
    public Algorithm bind(Section s, CommonSettings common) {
        if (common.inner().loss() == Loss.MSE) {
            throw new IllegalArgumentException("adapt.loss=mse needs algorithm maml (famle's Reptile steps train the"
                    + " variance only through their own loss, so it adapts on the nll); got algorithm famle");
        }
        Settings settings = new Settings(s.positive("embedding_dim"), s.nonNegative("embedding_init_std"),
                s.positive("steps"), s.nonNegative("lr"), s.nonNegative("embedding_lr"), s.fraction("epsilon"),
                fractionOrZero(s, "embedding_epsilon"), s.nonNegative("adapt_embedding_lr"));
        return new Bound(common, settings);
    }

    private static double fractionOrZero(Section s, String key) {
        double v = s.number(key);
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(s.key(key) + " must be in [0, 1]; got " + v);
        }
        return v;
    }

    /** The mean of the training embeddings: FAMLE's prediction before it has seen the task. */
    static double[] meanEmbedding(TaskStateTable embeddings) {
        double[] mean = new double[embeddings.width()];
        for (int i = 0; i < embeddings.size(); i++) {
            double[] row = embeddings.rowAt(i);
            for (int d = 0; d < mean.length; d++) {
                mean[d] += row[d];
            }
        }
        for (int d = 0; d < mean.length; d++) {
            mean[d] /= Math.max(1, embeddings.size());
        }
        return mean;
    }

    private static final class Bound implements Algorithm {
        private final CommonSettings common;
        private final Settings settings;

        Bound(CommonSettings common, Settings settings) {
            this.common = common;
            this.settings = settings;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public int contextDim() {
            return settings.embeddingDim();
        }

        @Override
        public int taskStateWidth() {
            return settings.embeddingDim();
        }

        @Override
        public float[] initialTaskState(long taskId, long seed) {
            SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, taskId));
            float[] h = new float[settings.embeddingDim()];
            for (int d = 0; d < h.length; d++) {
                h[d] = (float) (settings.embeddingInitStd() * Seeds.gaussian(rng));
            }
            return h;
        }

        @Override
        public TaskLearner learner(DynamicsModel model, Normalizer normalizer) {
            return new FamleLearner(model, normalizer, common.inner(), settings, common.segments());
        }

        @Override
        public OuterOptimizer outerOptimizer(int parameters) {
            return new ReptileStep(settings.epsilon());
        }

        @Override
        public String metaTestAdapter() {
            return FamleAdapter.NAME;
        }

        @Override
        public String defaultOnlineAdapter() {
            return FamleAdapter.NAME;
        }

        @Override
        public List<String> onlineAdapters() {
            return List.of(FamleAdapter.NAME, NoAdapter.NAME);
        }

        @Override
        public AdapterSettings adapterDefaults(String name) {
            if (!onlineAdapters().contains(name)) {
                throw unknownAdapter(name);
            }
            return AdapterSettings.of(common.inner());
        }

        @Override
        public OnlineAdapter onlineAdapter(String name, DynamicsModel model, INDArray thetaStar, TaskStateTable trained,
                AdapterSettings adapter, long seed) {
            return switch (name) {
                case FamleAdapter.NAME -> new FamleAdapter(model, thetaStar, trained, adapter, settings.adaptEmbeddingLr());
                case NoAdapter.NAME -> new NoAdapter(thetaStar, meanEmbedding(trained));
                default -> throw unknownAdapter(name);
            };
        }
    }
}
