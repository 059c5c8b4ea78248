package org.mbmrl.driver.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.train.OuterOptimizer;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;

/**
 * The provenance part of a checkpoint's manifest: how the checkpoint was made (effective
 * config, seeds, dataset fingerprint, optimizer) and what is needed to use it (model
 * architecture, parameter layout, normalizer). Building and reading live side by side.
 */
public final class CheckpointManifest {
    public static final String VERSION = "mbmrl 0.1.0";

    private CheckpointManifest() {}

    public static ObjectNode build(RunConfig config, MlpSpec spec, Normalizer norm, OuterOptimizer optimizer,
            long initSeed, String datasetLocation, String datasetFingerprint) {
        return build(config, spec, norm, optimizer, initSeed, datasetLocation, datasetFingerprint, 0);
    }

    /**
     * The manifest of a checkpoint trained on {@code datasetLocation}; {@code round} is the
     * round of an iterative run (train.rounds > 1) whose dataset version that is, 0 for the
     * config's own dataset.
     */
    public static ObjectNode build(RunConfig config, MlpSpec spec, Normalizer norm, OuterOptimizer optimizer,
            long initSeed, String datasetLocation, String datasetFingerprint, int round) {
        ObjectNode m = CheckpointStore.JSON.createObjectNode();
        m.put("created_by", VERSION);
        m.put("algorithm", config.algorithm().label());
        ObjectNode model = m.putObject("model");
        model.put("observation_dim", spec.observationDim());
        model.put("action_dim", spec.actionDim());
        model.put("context_dim", spec.contextDim());
        ArrayNode hidden = model.putArray("hidden");
        spec.hidden().forEach(hidden::add);
        model.put("activation", spec.activation().label());
        model.put("parameters", spec.parameterCount());
        model.put("dtype", "float32");
        model.put("layout", "dl4j MultiLayerNetwork dense layers: per layer W (nIn x nOut, column-major) then b");
        model.put("output", "[mean | q] of the normalized state change; log-variance = c + h tanh((q - c) / h)");
        model.put("log_variance_min", org.mbmrl.workers.model.GaussianMlp.LOG_VARIANCE_MIN);
        model.put("log_variance_max", org.mbmrl.workers.model.GaussianMlp.LOG_VARIANCE_MAX);
        ObjectNode n = m.putObject("normalizer");
        put(n.putArray("input_mean"), norm.inputMean());
        put(n.putArray("input_std"), norm.inputStd());
        put(n.putArray("target_mean"), norm.targetMean());
        put(n.putArray("target_std"), norm.targetStd());
        ObjectNode o = m.putObject("optimizer");
        o.put("name", optimizer.name());
        o.put("steps", optimizer.steps());
        if (config.algorithm() == RunConfig.Algorithm.REPTILE) {
            o.put("epsilon", config.reptile().epsilon());
        } else {
            o.put("lr", config.train().lr());
        }
        ObjectNode seeds = m.putObject("seeds");
        seeds.put("run", config.seed());
        seeds.put("init", initSeed);
        ObjectNode d = m.putObject("dataset");
        d.put("location", datasetLocation);
        d.put("fingerprint", datasetFingerprint);
        d.put("round", round);
        m.set("config", config.tree());
        return m;
    }

    private static void put(ArrayNode a, float[] values) {
        for (float v : values) {
            a.add(v);
        }
    }

    public static MlpSpec spec(JsonNode m) {
        JsonNode model = m.path("model");
        List<Integer> hidden = new ArrayList<>();
        model.path("hidden").forEach(h -> hidden.add(h.asInt()));
        return new MlpSpec(model.path("observation_dim").asInt(), model.path("action_dim").asInt(),
                model.path("context_dim").asInt(), hidden, Activation.parse(model.path("activation").asText()));
    }

    public static Normalizer normalizer(JsonNode m) {
        JsonNode n = m.path("normalizer");
        return new Normalizer(floats(n.path("input_mean")), floats(n.path("input_std")), floats(n.path("target_mean")),
                floats(n.path("target_std")));
    }

    /** The qualified URI of the dataset the checkpoint was trained on. */
    public static String datasetUri(JsonNode m) {
        return m.path("dataset").path("location").asText();
    }

    /** The fingerprint of the dataset the checkpoint was trained on. */
    public static String datasetFingerprint(JsonNode m) {
        return m.path("dataset").path("fingerprint").asText();
    }

    /** The round (train.rounds) whose dataset version the checkpoint was trained on; 0 if not recorded. */
    public static int round(JsonNode m) {
        return m.path("dataset").path("round").asInt(0);
    }

    /** The run config the checkpoint was made with. */
    public static RunConfig config(JsonNode m, String source) {
        return ConfigLoader.fromSavedTree(m.path("config"), source);
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.get(i).floatValue();
        }
        return f;
    }
}
