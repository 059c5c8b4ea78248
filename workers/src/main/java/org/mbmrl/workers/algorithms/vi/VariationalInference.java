package org.mbmrl.workers.algorithms.vi;

import java.io.Serializable;
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
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Registration of {@code vi}, variational-inference MBMRL (Belkhale et al. 2021; survey IV-C,
 * algorithm 5, eq. 19 to 23): a latent z (the model's context input) with one diagonal Gaussian
 * q(z_i) per training task (the per-task state: mean, then log-variance); theta and every
 * q(z_i) maximize the beta-weighted ELBO ({@link ViLearner}); online, theta* stays fixed and q(z)
 * is inferred from the last M transitions by ELBO steps, starting at the prior
 * ({@link ViAdapter}). Adapters: {@code vi}, or {@code none} (z at the prior mean).
 */
public final class VariationalInference implements MetaAlgorithm {
    public static final String NAME = "vi";

    /** The {@code vi:} section, validated. */
    public record Settings(int latentDim, double beta, int posteriorSteps, double posteriorLr, int inferenceSteps,
            double inferenceLr, double inferenceBeta) implements Serializable {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "VI-MBMRL: per-task Gaussian latents q(z_i) and theta on the ELBO; online, q(z) inferred with theta* fixed"
                + " (survey IV-C, algorithm 5, eq. 19-23)";
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("latent_dim", 2, "width of the latent z (the model's context input)"),
                new Setting("beta", 0.1, "weight of KL(q || N(0, I)) against the mean per-transition NLL"),
                new Setting("posterior_steps", 3, "SGD steps on q(z_i) per sampled task and iteration (the max of eq. 22)"),
                new Setting("posterior_lr", 0.5, "their step size on q(z_i)'s mean and log-variance"),
                Setting.online("inference_steps", 20, "eq. 23 online: ELBO steps on q(z) per control step (k)"),
                Setting.online("inference_lr", 0.5, "their step size (alpha)"),
                Setting.online("inference_beta", null, "the KL weight of the online ELBO (eq. 23); null = beta. Smaller lets q(z)"
                        + " move further from the prior, toward tasks outside the training range"));
    }

    @Override
    public Algorithm bind(Section s, CommonSettings common) {
        if (common.inner().loss() == Loss.MSE) {
            throw new IllegalArgumentException("adapt.loss=mse needs algorithm maml (vi fits q(z) on the ELBO, whose"
                    + " likelihood is the nll); got algorithm vi");
        }
        Settings settings = new Settings(s.positive("latent_dim"), s.nonNegative("beta"), s.integer("posterior_steps"),
                s.nonNegative("posterior_lr"), s.integer("inference_steps"), s.nonNegative("inference_lr"),
                s.isNull("inference_beta") ? s.nonNegative("beta") : s.nonNegative("inference_beta"));
        if (settings.posteriorSteps() < 0) {
            throw new IllegalArgumentException(s.key("posterior_steps") + " must be >= 0; got " + settings.posteriorSteps());
        }
        if (settings.inferenceSteps() < 0) {
            throw new IllegalArgumentException(s.key("inference_steps") + " must be >= 0; got " + settings.inferenceSteps());
        }
        return new Bound(common, settings);
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
            return settings.latentDim();
        }

        @Override
        public int taskStateWidth() {
            return 2 * settings.latentDim();
        }

        /** q(z_i) starts at the prior: mean 0, log-variance 0. */
        @Override
        public float[] initialTaskState(long taskId, long seed) {
            return new float[2 * settings.latentDim()];
        }

        @Override
        public List<String> metricNames() {
            return List.of("pre_loss", "post_loss", "kl");
        }

        @Override
        public TaskLearner learner(DynamicsModel model, Normalizer normalizer) {
            return new ViLearner(model, normalizer, common.inner(), settings, common.segments());
        }

        @Override
        public OuterOptimizer outerOptimizer(int parameters) {
            return new Adam(common.outerLr(), parameters);
        }

        @Override
        public String metaTestAdapter() {
            return ViAdapter.NAME;
        }

        @Override
        public String defaultOnlineAdapter() {
            return ViAdapter.NAME;
        }

        @Override
        public List<String> onlineAdapters() {
            return List.of(ViAdapter.NAME, NoAdapter.NAME);
        }

        @Override
        public AdapterSettings adapterDefaults(String name) {
            if (!onlineAdapters().contains(name)) {
                throw unknownAdapter(name);
            }
            return new AdapterSettings(settings.inferenceSteps(), settings.inferenceLr(), common.inner().past(), Loss.NLL);
        }

        @Override
        public OnlineAdapter onlineAdapter(String name, DynamicsModel model, INDArray thetaStar, TaskStateTable trained,
                AdapterSettings adapter, long seed) {
            return switch (name) {
                case ViAdapter.NAME -> new ViAdapter(model, thetaStar, adapter, settings.inferenceBeta(), seed);
                case NoAdapter.NAME -> new NoAdapter(thetaStar, new double[settings.latentDim()]);
                default -> throw unknownAdapter(name);
            };
        }
    }
}
