package org.mbmrl.driver.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.Algorithms;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MetaAlgorithm;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.PlannerSettings;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.learn.Subspace;
import org.mbmrl.workers.control.GradientAdapter;
import org.mbmrl.workers.model.ModelSpec;

/**
 * The effective configuration of a run, validated once at construction: every bad value is
 * reported with its key and value. The tree it was bound from ({@link #tree()}) is kept as
 * provenance and written to the run directory and into every checkpoint.
 */
public record RunConfig(Algorithm algorithm, long seed, String dataset, String runDir, Model model, InnerLoop adapt,
        Train train, Evaluate evaluate, Control control, Collect collect, JsonNode tree)
        implements Serializable {

    /** Architecture of the dynamics model (dimensions come from the dataset). */
    public record Model(List<Integer> hidden, Activation activation) implements Serializable {
        public Model {
            if (hidden == null || hidden.isEmpty() || hidden.stream().anyMatch(h -> h == null || h < 1)) {
                throw new IllegalArgumentException("model.hidden must be a non-empty list of widths >= 1; got " + hidden);
            }
            hidden = List.copyOf(hidden);
        }
    }

    /**
     * The outer loop. {@code rounds} > 1 runs GrBAL's algorithm 1: the iterations are split
     * into that many rounds, with on-policy collection (the {@code collect} section) between them.
     * {@code gang}: serve the iterations by a {@link org.mbmrl.driver.train.TaskGang} of long-lived
     * tasks instead of one Spark job each (the same bits either way).
     */
    public record Train(int iterations, int metaBatch, int segments, double lr, boolean secondOrder, int checkpointEvery,
            int partitions, int rounds, boolean gang) implements Serializable {
        public Train {
            positive("train.rounds", rounds);
            if (rounds > iterations && iterations >= 1) {
                throw new IllegalArgumentException("train.rounds (" + rounds + ") must be <= train.iterations (" + iterations
                        + "): every round trains at least one iteration");
            }
            positive("train.iterations", iterations);
            positive("train.meta_batch", metaBatch);
            positive("train.segments", segments);
            positive("train.checkpoint_every", checkpointEvery);
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("train.lr must be a finite number > 0; got " + lr);
            }
            if (partitions < 0) {
                throw new IllegalArgumentException("train.partitions must be >= 0; got " + partitions);
            }
        }
    }

    /** Meta-test evaluation on held-out tasks. */
    public record Evaluate(int segments) implements Serializable {
        public Evaluate {
            positive("evaluate.segments", segments);
        }
    }

    /**
     * Online adaptation + MPC (survey IV-A, algorithm 2 and eq. 16): the planner, the online
     * adapter ({@code adapter} is resolved: one of the algorithm's adapters) with its k, alpha and M,
     * and the episodes of {@code evaluate --control}. {@code changeStep} null means half the
     * episode, -1 no change; {@code episodeLength} 0 the family's default; {@code tasks} 0 all.
     */
    public record Control(PlannerSettings planner, String adapter, AdapterSettings adapterSettings, int episodes,
            int episodeLength, Integer changeStep, int tasks) implements Serializable {
        public Control {
            positive("control.episodes", episodes);
            if (episodeLength < 0) {
                throw new IllegalArgumentException("control.episode_length must be >= 0 (0 = the family's default); got "
                        + episodeLength);
            }
            if (changeStep != null && changeStep < -1) {
                throw new IllegalArgumentException("control.change_step must be null (half the episode), -1 (no change) or"
                        + " a step >= 0; got " + changeStep);
            }
            if (tasks < 0) {
                throw new IllegalArgumentException("control.tasks must be >= 0 (0 = all); got " + tasks);
            }
        }

        /** Control steps of an episode of {@code family}. */
        public int episodeLength(TaskFamily family) {
            return episodeLength > 0 ? episodeLength : family.episodeLength();
        }

        /** The change step of a "changed" episode of {@code length} steps, -1 for none. */
        public int changeStep(int length) {
            int c = changeStep == null ? length / 2 : changeStep;
            if (c >= length) {
                throw new IllegalArgumentException("control.change_step (" + c + ") must be below the episode length ("
                        + length + ")");
            }
            return c;
        }
    }

    /** On-policy collection between training rounds ({@code mbmrl collect}, {@code train.rounds} > 1). */
    public record Collect(int episodes, int tasks) implements Serializable {
        public Collect {
            positive("collect.episodes", episodes);
            if (tasks < 0) {
                throw new IllegalArgumentException("collect.tasks must be >= 0 (0 = all); got " + tasks);
            }
        }
    }

    public RunConfig {
        if (dataset == null || dataset.isBlank()) {
            throw new IllegalArgumentException("dataset is required (a directory written by `mbmrl generate`)");
        }
        if (runDir == null || runDir.isBlank()) {
            throw new IllegalArgumentException("run_dir is required");
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be >= 1; got " + value);
        }
    }

    /** This config with {@code train.iterations} set to {@code iterations} (tree included, for provenance). */
    public RunConfig withTrainIterations(int iterations) {
        ObjectNode t = (ObjectNode) tree.deepCopy();
        ((ObjectNode) t.path("train")).put("iterations", iterations);
        return fromTree(t);
    }

    /** Binds a complete, already merged config tree (see {@link ConfigLoader}). */
    public static RunConfig fromTree(JsonNode t) {
        JsonNode m = t.path("model");
        List<Integer> hidden = new ArrayList<>();
        JsonNode h = m.path("hidden");
        if (!h.isArray()) {
            throw new IllegalArgumentException("model.hidden must be a list of widths; got " + h);
        }
        for (JsonNode w : h) {
            hidden.add(intValue("model.hidden", w));
        }
        JsonNode a = t.path("adapt");
        JsonNode tr = t.path("train");
        MetaAlgorithm registered = Algorithms.byName(text("algorithm", t.path("algorithm")));
        InnerLoop inner = new InnerLoop(intValue("adapt.past", a.path("past")), intValue("adapt.future", a.path("future")),
                intValue("adapt.steps", a.path("steps")), doubleValue("adapt.lr", a.path("lr")),
                Loss.parse("adapt.loss", text("adapt.loss", a.path("loss"))),
                Subspace.parse("adapt.subspace", text("adapt.subspace", a.path("subspace"))));
        Train train = new Train(intValue("train.iterations", tr.path("iterations")),
                intValue("train.meta_batch", tr.path("meta_batch")),
                intValue("train.segments", tr.path("segments")),
                doubleValue("train.lr", tr.path("lr")),
                boolValue("train.second_order", tr.path("second_order")),
                intValue("train.checkpoint_every", tr.path("checkpoint_every")),
                intValue("train.partitions", tr.path("partitions")),
                intValue("train.rounds", tr.path("rounds")),
                boolValue("train.gang", tr.path("gang")));
        JsonNode ft = t.path("control").path("finetune");
        AdapterSettings finetune = prefixed("control.finetune.", "adapter.", () -> new AdapterSettings(
                intValue("control.finetune.steps", ft.path("steps")), doubleValue("control.finetune.lr", ft.path("lr")),
                inner.past(), Loss.NLL));
        CommonSettings common = new CommonSettings(inner, train.segments(), train.lr(), train.secondOrder(), finetune);
        Algorithm algorithm = registered.bind(ConfigLoader.section(t, registered), common);
        if (inner.subspace() != Subspace.ALL && !algorithm.onlineAdapters().contains(GradientAdapter.NAME)) {
            throw new IllegalArgumentException("adapt.subspace=" + inner.subspace().configName() + " shapes gradient"
                    + " adaptation (maml's inner loop, the gradient adapter); algorithm " + algorithm.name()
                    + " has none (use adapt.subspace=all)");
        }
        JsonNode co = t.path("collect");
        return new RunConfig(
                algorithm,
                longValue("seed", t.path("seed")),
                text("dataset", t.path("dataset")),
                text("run_dir", t.path("run_dir")),
                new Model(hidden, Activation.parse(text("model.activation", m.path("activation")))),
                inner,
                train,
                new Evaluate(intValue("evaluate.segments", t.path("evaluate").path("segments"))),
                control(t.path("control"), algorithm),
                new Collect(intValue("collect.episodes", co.path("episodes")), intValue("collect.tasks", co.path("tasks"))),
                t.deepCopy());
    }

    /** The architecture of this run's model for a dataset of these dimensions (the algorithm decides the context width). */
    public ModelSpec modelSpec(int observationDim, int actionDim) {
        return algorithm.modelSpec(new MlpSpec(observationDim, actionDim, algorithm.contextDim(), model.hidden(),
                model.activation()));
    }

    private static Control control(JsonNode c, Algorithm algorithm) {
        JsonNode p = c.path("planner");
        PlannerSettings planner = prefixed("control.planner.", "planner.", () -> new PlannerSettings(
                PlannerSettings.Type.parse(text("control.planner.type", p.path("type"))),
                intValue("control.planner.horizon", p.path("horizon")),
                intValue("control.planner.candidates", p.path("candidates")),
                intValue("control.planner.iterations", p.path("iterations")),
                intValue("control.planner.elites", p.path("elites")),
                doubleValue("control.planner.temperature", p.path("temperature")),
                doubleValue("control.planner.noise_std", p.path("noise_std")), 0L)
                .withHygiene(boolValue("control.planner.warm_start", p.path("warm_start")),
                        PlannerSettings.CemOutput.parse(text("control.planner.cem_output", p.path("cem_output")))));
        JsonNode ad = c.path("adapter");
        String adapter;
        if (ad.path("type").isNull()) {
            adapter = algorithm.defaultOnlineAdapter();
        } else {
            adapter = text("control.adapter.type", ad.path("type"));
            if (!algorithm.onlineAdapters().contains(adapter)) {
                throw new IllegalArgumentException("control.adapter.type '" + adapter + "' does not fit algorithm "
                        + algorithm.name() + " (its adapters: " + String.join(", ", algorithm.onlineAdapters())
                        + "; or null: " + algorithm.defaultOnlineAdapter() + ")");
            }
        }
        AdapterSettings defaults = algorithm.adapterDefaults(adapter);
        AdapterSettings settings = prefixed("control.adapter.", "adapter.", () -> defaults.with(
                ad.path("steps").isNull() ? null : intValue("control.adapter.steps", ad.path("steps")),
                ad.path("lr").isNull() ? null : doubleValue("control.adapter.lr", ad.path("lr")),
                ad.path("window").isNull() ? null : intValue("control.adapter.window", ad.path("window")))
                .withGuard(boolValue("control.adapter.guard", ad.path("guard")),
                        doubleValue("control.adapter.backoff", ad.path("backoff"))));
        JsonNode cs = c.path("change_step");
        return new Control(planner, adapter, settings, intValue("control.episodes", c.path("episodes")),
                intValue("control.episode_length", c.path("episode_length")),
                cs.isNull() ? null : intValue("control.change_step", cs),
                intValue("control.tasks", c.path("tasks")));
    }

    /** Runs {@code build}; a message naming {@code bare} (e.g. {@code adapter.steps}) is given the key's full prefix. */
    private static <T> T prefixed(String full, String bare, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith("control.") ? m : m.replace(bare, full), e);
        }
    }

    static String text(String key, JsonNode n) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string; got " + n);
        }
        return n.asText();
    }

    private static int intValue(String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(key + " must be an integer; got " + n);
        }
        return n.intValue();
    }

    private static long longValue(String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException(key + " must be an integer; got " + n);
        }
        return n.longValue();
    }

    private static double doubleValue(String key, JsonNode n) {
        if (!n.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number; got " + n);
        }
        return n.doubleValue();
    }

    private static boolean boolValue(String key, JsonNode n) {
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false; got " + n);
        }
        return n.booleanValue();
    }
}
