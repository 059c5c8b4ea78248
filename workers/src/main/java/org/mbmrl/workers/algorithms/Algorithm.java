package org.mbmrl.workers.algorithms;

import java.io.Serializable;
import java.util.List;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A meta-learning algorithm bound to a run's settings ({@link MetaAlgorithm#bind}): everything
 * the outer loop, evaluation and control need from it, and nothing they must switch on. It is a
 * small serializable value that travels in Spark closures; models, learners and adapters are
 * built from it where they run.
 */
public interface Algorithm extends Serializable {

    /** The name in configs and checkpoints ({@code maml}, {@code famle}, ...). */
    String name();

    /** Width of the model's context input (FAMLE's embedding, VI's latent); 0 for none. */
    default int contextDim() {
        return 0;
    }

    /**
     * The model this algorithm trains, given the Gaussian MLP the config describes (with this
     * algorithm's context width): that MLP itself, or one built around it (ReBAL's recurrent
     * model, whose encoder produces the context).
     */
    default ModelSpec modelSpec(MlpSpec mlp) {
        return mlp;
    }

    /** Numbers per training task of per-task state; 0 for none. */
    default int taskStateWidth() {
        return 0;
    }

    /** The first row of task {@code taskId}'s state, a pure function of (task id, seed). */
    default float[] initialTaskState(long taskId, long seed) {
        return new float[0];
    }

    /** What {@link TaskUpdate#metrics()} holds, in order; the first two are always {@code pre_loss, post_loss}. */
    default List<String> metricNames() {
        return List.of("pre_loss", "post_loss");
    }

    /** The per-task learner (runs on executors). */
    TaskLearner learner(DynamicsModel model, Normalizer normalizer);

    /** The driver's outer update of theta for a model of {@code parameters} parameters. */
    OuterOptimizer outerOptimizer(int parameters);

    /** The adapter {@code evaluate} measures prediction with (the meta-test of the algorithm). */
    String metaTestAdapter();

    /** The online adapter of control when {@code control.adapter.type} is null. */
    String defaultOnlineAdapter();

    /** Every online adapter that fits this algorithm's model. */
    List<String> onlineAdapters();

    /** The default k, alpha, M and loss of adapter {@code name} (control.adapter.* may override k, alpha, M). */
    AdapterSettings adapterDefaults(String name);

    /**
     * Adapter {@code name} for the meta-trained {@code thetaStar} and training task state
     * {@code trained}; {@code seed} drives any noise it draws (reproducible episodes).
     */
    OnlineAdapter onlineAdapter(String name, DynamicsModel model, INDArray thetaStar, TaskStateTable trained,
            AdapterSettings settings, long seed);

    /** An error for an adapter name this algorithm does not offer. */
    default IllegalArgumentException unknownAdapter(String name) {
        return new IllegalArgumentException("online adapter '" + name + "' does not fit algorithm " + name() + " (its adapters: "
                + String.join(", ", onlineAdapters()) + ")");
    }
}
