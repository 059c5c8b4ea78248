package org.mbmrl.workers.algorithms;

import java.util.List;
import org.mbmrl.workers.algorithms.famle.Famle;
import org.mbmrl.workers.algorithms.maml.Maml;
import org.mbmrl.workers.algorithms.pooled.Pooled;
import org.mbmrl.workers.algorithms.rebal.Rebal;
import org.mbmrl.workers.algorithms.reptile.Reptile;
import org.mbmrl.workers.algorithms.vi.VariationalInference;

/**
 * The registered meta-learning algorithms, by config name (as {@code TaskFamilies} registers
 * task families). Everything else (config, outer loop, checkpoints, evaluation, control,
 * export) looks algorithms up here and never switches on a name.
 */
public final class Algorithms {
    private static final List<MetaAlgorithm> ALL = List.of(new Pooled(), new Maml(), new Reptile(), new Famle(),
            new VariationalInference(), new Rebal());

    private Algorithms() {}

    public static List<MetaAlgorithm> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(MetaAlgorithm::name).toList();
    }

    /** The algorithm called {@code name}, or an error listing the known ones. */
    public static MetaAlgorithm byName(String name) {
        for (MetaAlgorithm a : ALL) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("algorithm must be one of " + String.join(", ", names()) + "; got '" + name + "'");
    }
}
