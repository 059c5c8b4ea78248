package org.mbmrl.driver.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.algorithms.TaskStateTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.RecurrentSpec;
import org.mbmrl.workers.model.LearnedRateSpec;
import org.mbmrl.workers.model.Normalizer;

/**
 * The provenance part of a checkpoint's manifest: how the checkpoint was made (effective
 * config, seeds, dataset fingerprint, optimizer) and what is needed to use it (model
 * architecture, parameter layout, normalizer). Building and reading live side by side.
 */
public final class CheckpointManifest {
    public static final String VERSION = "mbmrl 0.1.0";
    /** The model type of this release (its parameter layout is {@link MlpSpec}'s). */
    public static final String MODEL_TYPE = "gaussian-mlp";
    /** The encoder type of a recurrent model (ReBAL): its layout is {@link org.mbmrl.workers.model.GruEncoder}'s. */
    public static final String RECURRENT_TYPE = "gru";
    /** Array names (files {@code NAME.npy}) of the per-task state. */
    public static final String TASK_STATE = "task_state";
    public static final String TASK_STATE_IDS = "task_state_ids";

    private CheckpointManifest() {}

    /**
     * The manifest of a checkpoint trained on {@code datasetLocation}; {@code round} is the
     * round of an iterative run (train.rounds > 1) whose dataset version that is, 0 for the
     * config's own dataset.
     */
    public static ObjectNode build(RunConfig config, ModelSpec modelSpec, Normalizer norm, OuterOptimizer optimizer,
            TaskStateTable taskState, long initSeed, String datasetLocation, String datasetFingerprint, int round) {
        MlpSpec spec = modelSpec.mlp();
        ObjectNode m = CheckpointStore.JSON.createObjectNode();
        m.put("created_by", VERSION);
        m.put("algorithm", config.algorithm().name());
        // A run's last bits depend on the BLAS library (as on the CPU): say which one made it.
        m.put("blas", org.mbmrl.workers.BlasLibrary.name());
        ObjectNode model = m.putObject("model");
        model.put("type", MODEL_TYPE);
        model.put("observation_dim", spec.observationDim());
        model.put("action_dim", spec.actionDim());
        model.put("context_dim", spec.contextDim());
        ArrayNode hidden = model.putArray("hidden");
        spec.hidden().forEach(hidden::add);
        model.put("activation", spec.activation().label());
        model.put("parameters", modelSpec.parameterCount());
        model.put("dtype", "float32");
        model.put("layout", "dl4j MultiLayerNetwork dense layers: per layer W (nIn x nOut, column-major) then b");
        model.put("input", "[normalized observation | normalized action | context (context_dim numbers, unnormalized)]");
        model.put("output", "[mean | q] of the normalized state change; log-variance = c + h tanh((q - c) / h)");
        model.put("log_variance_min", org.mbmrl.workers.model.GaussianMlp.LOG_VARIANCE_MIN);
        model.put("log_variance_max", org.mbmrl.workers.model.GaussianMlp.LOG_VARIANCE_MAX);
        if (modelSpec instanceof LearnedRateSpec l) {
            model.put("learned_step_sizes", "Meta-SGD: after the MLP's " + l.scaleOffset() + " parameters, one log-scale s_i"
                    + " per parameter; the inner loop steps parameter i by adapt.lr exp(s_i) times its gradient");
        }
        if (modelSpec instanceof RecurrentSpec r) {
            ObjectNode enc = model.putObject("recurrent");
            enc.put("type", RECURRENT_TYPE);
            enc.put("input_dim", r.encoderInputDim());
            enc.put("hidden_dim", r.hiddenDim());
            enc.put("offset", r.encoderOffset());
            enc.put("parameters", r.encoderParameterCount());
            enc.put("input", "[normalized observation | normalized action | normalized state change] of each past transition");
            enc.put("layout", "after the decoder's: W (input_dim x 3 hidden_dim, row-major), U (hidden_dim x 3 hidden_dim,"
                    + " row-major), b (3 hidden_dim); gate blocks z, r, n; h0 = 0; the last h is the decoder's context");
        }
        ObjectNode n = m.putObject("normalizer");
        put(n.putArray("input_mean"), norm.inputMean());
        put(n.putArray("input_std"), norm.inputStd());
        put(n.putArray("target_mean"), norm.targetMean());
        put(n.putArray("target_std"), norm.targetStd());
        ObjectNode o = m.putObject("optimizer");
        o.put("name", optimizer.name());
        o.put("steps", optimizer.steps());
        new java.util.TreeMap<>(optimizer.settings()).forEach(o::put);
        ObjectNode ts = m.putObject("task_state");
        ts.put("tasks", taskState.size());
        ts.put("width", taskState.width());
        if (taskState.width() > 0) {
            ts.put("files", TASK_STATE + ".npy (float32, tasks x width, rows in task-id order), " + TASK_STATE_IDS
                    + ".npy (int64 task ids)");
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

    public static ModelSpec spec(JsonNode m) {
        JsonNode model = m.path("model");
        String type = model.path("type").asText(MODEL_TYPE);
        if (!type.equals(MODEL_TYPE)) {
            throw new IllegalArgumentException("model.type '" + type + "' is not one this mbmrl reads (" + MODEL_TYPE + ")");
        }
        List<Integer> hidden = new ArrayList<>();
        model.path("hidden").forEach(h -> hidden.add(h.asInt()));
        MlpSpec mlp = new MlpSpec(model.path("observation_dim").asInt(), model.path("action_dim").asInt(),
                model.path("context_dim").asInt(), hidden, Activation.parse(model.path("activation").asText()));
        if (model.has("learned_step_sizes")) {
            return new LearnedRateSpec(mlp);
        }
        JsonNode recurrent = model.path("recurrent");
        if (recurrent.isMissingNode()) {
            return mlp;
        }
        String rtype = recurrent.path("type").asText();
        if (!rtype.equals(RECURRENT_TYPE)) {
            throw new IllegalArgumentException("model.recurrent.type '" + rtype + "' is not one this mbmrl reads ("
                    + RECURRENT_TYPE + ")");
        }
        RecurrentSpec spec = new RecurrentSpec(mlp);
        if (recurrent.path("hidden_dim").asInt() != spec.hiddenDim()) {
            throw new IllegalArgumentException("model.recurrent.hidden_dim " + recurrent.path("hidden_dim").asInt()
                    + " differs from model.context_dim " + spec.hiddenDim());
        }
        return spec;
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

    /** The arrays that save {@code state} in a checkpoint (none for width 0). */
    public static java.util.Map<String, INDArray> taskStateArrays(TaskStateTable state) {
        if (state.width() == 0) {
            return java.util.Map.of();
        }
        return java.util.Map.of(TASK_STATE, Nd4j.create(state.rows(), new long[] {state.size(), state.width()}, DataType.FLOAT),
                TASK_STATE_IDS, Nd4j.createFromArray(state.taskIds()));
    }

    /**
     * The per-task state of {@code checkpoint}, {@code width} numbers per task (the algorithm's
     * width); a missing file, a wrong shape or type is one line naming the file.
     */
    public static TaskStateTable taskState(Checkpoint checkpoint, int width) {
        String where = "checkpoint " + checkpoint.name();
        if (width == 0) {
            return new TaskStateTable(new long[0], 0);
        }
        INDArray rows = checkpoint.arrays().get(TASK_STATE);
        INDArray ids = checkpoint.arrays().get(TASK_STATE_IDS);
        if (rows == null || ids == null) {
            throw new org.mbmrl.driver.UserError(where + ": " + (rows == null ? TASK_STATE : TASK_STATE_IDS) + ".npy is missing"
                    + " (algorithm " + checkpoint.manifest().path("algorithm").asText() + " keeps " + width
                    + " numbers of state per training task)");
        }
        if (rows.dataType() != DataType.FLOAT || rows.rank() != 2 || rows.columns() != width) {
            throw new org.mbmrl.driver.UserError(where + ": " + TASK_STATE + ".npy must be float32 of shape [tasks, " + width
                    + "]; got " + rows.dataType() + " " + java.util.Arrays.toString(rows.shape()));
        }
        if (ids.dataType() != DataType.LONG || ids.rank() != 1 || ids.length() != rows.rows()) {
            throw new org.mbmrl.driver.UserError(where + ": " + TASK_STATE_IDS + ".npy must be int64 of shape [" + rows.rows()
                    + "]; got " + ids.dataType() + " " + java.util.Arrays.toString(ids.shape()));
        }
        try {
            return TaskStateTable.of(ids.toLongVector(), width, rows.dup('c').data().asFloat());
        } catch (IllegalArgumentException e) {
            throw new org.mbmrl.driver.UserError(where + ": " + e.getMessage());
        }
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.get(i).floatValue();
        }
        return f;
    }
}
