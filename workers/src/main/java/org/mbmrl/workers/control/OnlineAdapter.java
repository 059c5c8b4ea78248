package org.mbmrl.workers.control;

import java.util.List;
import org.mbmrl.workers.model.GaussianMlp;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Online adaptation of the dynamics model during an episode (survey IV-A, algorithm 2): at
 * every control step the adapter turns the meta-trained theta* and the last M transitions
 * into the parameters the planner uses at that step. By name (DESIGN.md's algorithms table):
 * <ul>
 *   <li>{@code none} - MB ({@code pooled}): always theta*;</li>
 *   <li>{@code finetune} - MB+DE ({@code pooled-de}): keeps training its current parameters
 *       with k SGD steps per control step on the recent window, never reset within an episode;</li>
 *   <li>{@code gradient} - GrBAL ({@code maml}, {@code reptile}): from theta* again at every
 *       control step, k SGD steps on the last M transitions (eq. 3 applied k times).</li>
 * </ul>
 * Early in an episode the window holds fewer than M transitions and the adapter uses those
 * there are; with none it returns its starting parameters. Not thread-safe.
 */
public interface OnlineAdapter {

    /** The adapter's name: {@code none}, {@code finetune} or {@code gradient}. */
    String name();

    /** Start of an episode: back to theta*. */
    void reset();

    /**
     * The parameters for this control step, given the recent transitions. The array belongs
     * to the adapter (it may be theta* itself, or be updated in place by the next call):
     * callers read it and do not change it.
     */
    INDArray parameters(RecentTransitions recent);

    /** Known adapter names. */
    static List<String> names() {
        return List.of(NoAdapter.NAME, FinetuneAdapter.NAME, GradientAdapter.NAME);
    }

    /** The adapter called {@code name} for a model with meta-trained parameters {@code thetaStar}. */
    static OnlineAdapter create(String name, GaussianMlp model, INDArray thetaStar, AdapterSettings settings) {
        return switch (name == null ? "" : name) {
            case NoAdapter.NAME -> new NoAdapter(thetaStar);
            case FinetuneAdapter.NAME -> new FinetuneAdapter(model, thetaStar, settings);
            case GradientAdapter.NAME -> new GradientAdapter(model, thetaStar, settings);
            default -> throw new IllegalArgumentException("adapter must be one of " + String.join(", ", names())
                    + "; got " + name);
        };
    }

    /** The online adapter of a training algorithm (DESIGN.md): pooled - none, pooled-de - finetune, maml/reptile - gradient. */
    static String forAlgorithm(String algorithm) {
        return switch (algorithm == null ? "" : algorithm) {
            case "pooled" -> NoAdapter.NAME;
            case "pooled-de" -> FinetuneAdapter.NAME;
            case "maml", "reptile" -> GradientAdapter.NAME;
            default -> throw new IllegalArgumentException("no online adapter for algorithm '" + algorithm
                    + "'; known: pooled, pooled-de, maml, reptile");
        };
    }
}
