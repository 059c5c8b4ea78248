package org.mbmrl.driver.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.Checkpoint;
import org.mbmrl.driver.checkpoint.CheckpointManifest;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;

/**
 * The controller of a run's checkpoint, opened and checked on the driver before any job: the
 * checkpoint (sha256-verified), its config (with {@code control.*} / {@code collect.*}
 * overrides), the model spec, normalizer and theta*, and the dataset whose tasks are
 * controlled (the checkpoint's, unless another is given). The dimensions of the model, the
 * normalizer, theta, the dataset and its task family must agree, else a one-line error.
 */
public final class ControlSource {
    /** Config keys a controller command may override with {@code --set}. */
    public static final List<String> OVERRIDABLE = List.of("control.", "collect.");

    public final Path runDir;
    public final Checkpoint checkpoint;
    public final RunConfig config;
    public final MlpSpec spec;
    public final Normalizer normalizer;
    public final float[] theta;
    public final DatasetReader data;
    public final TaskFamily family;

    private ControlSource(Path runDir, Checkpoint checkpoint, RunConfig config, MlpSpec spec, Normalizer normalizer,
            float[] theta, DatasetReader data, TaskFamily family) {
        this.runDir = runDir;
        this.checkpoint = checkpoint;
        this.config = config;
        this.spec = spec;
        this.normalizer = normalizer;
        this.theta = theta;
        this.data = data;
        this.family = family;
    }

    /**
     * Opens checkpoint {@code checkpointName} (null: the newest) of the run in {@code runLocation};
     * {@code dataset} null means the dataset the checkpoint was trained on.
     */
    public static ControlSource open(SparkSession spark, String runLocation, String checkpointName, String dataset,
            List<String> overrides) {
        Path runDir = Files.path(runLocation);
        try {
            if (!Files.fs(runDir, spark.sparkContext().hadoopConfiguration()).exists(runDir)) {
                throw new UserError("run directory does not exist: " + runLocation);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CheckpointStore store = new CheckpointStore(runDir, spark.sparkContext().hadoopConfiguration());
        String name = checkpointName != null ? checkpointName : store.latestName();
        if (name == null) {
            throw new UserError("run " + runLocation + " has no checkpoint");
        }
        Checkpoint ckpt = store.read(name);
        RunConfig config = ConfigLoader.withOverrides(CheckpointManifest.config(ckpt.manifest(), name + "/manifest.json"),
                overrides, OVERRIDABLE);
        MlpSpec spec = CheckpointManifest.spec(ckpt.manifest());
        Normalizer norm = CheckpointManifest.normalizer(ckpt.manifest());
        float[] theta = ckpt.array("theta").toFloatVector();
        String where = "checkpoint " + name;
        DatasetReader data = DatasetReader.open(spark,
                dataset != null ? dataset : CheckpointManifest.datasetUri(ckpt.manifest()));
        TaskFamily family = TaskFamilies.byName(data.manifest().family());
        if (data.manifest().observationDim() != spec.observationDim() || data.manifest().actionDim() != spec.actionDim()) {
            throw new UserError(where + ": model dimensions (observation_dim " + spec.observationDim() + ", action_dim "
                    + spec.actionDim() + ") do not match dataset " + data.location() + " (family " + family.name()
                    + ": observation_dim " + data.manifest().observationDim() + ", action_dim "
                    + data.manifest().actionDim() + ")");
        }
        if (spec.contextDim() != 0) {
            throw new UserError(where + ": a model with a context input (context_dim " + spec.contextDim()
                    + ") cannot be used for control yet");
        }
        if (theta.length != spec.parameterCount()) {
            throw new UserError(where + ": theta has " + theta.length + " values but its model (" + spec.observationDim()
                    + " obs, " + spec.actionDim() + " act, hidden " + spec.hidden() + ") has " + spec.parameterCount()
                    + " parameters");
        }
        if (norm.observationDim() != spec.observationDim() || norm.actionDim() != spec.actionDim()) {
            throw new UserError(where + ": normalizer dimensions (" + norm.observationDim() + " obs, " + norm.actionDim()
                    + " act) do not match the model's (" + spec.observationDim() + ", " + spec.actionDim() + ")");
        }
        return new ControlSource(runDir, ckpt, config, spec, norm, theta, data, family);
    }

    /** The round (train.rounds) of the data the checkpoint was trained on. */
    public int round() {
        return CheckpointManifest.round(checkpoint.manifest());
    }

    /** The executor-side runner of this controller; {@code theta} is broadcast once. */
    public ControlRunner runner(SparkSession spark) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RunConfig.Control c = config.control();
        return new ControlRunner(family.name(), spec, normalizer, jsc.broadcast(theta), config.algorithm().label(),
                c.adapter(), c.adapterSettings(), c.planner(), config.seed());
    }

    /** The method label of this controller, e.g. {@code maml+gradient}. */
    public String method() {
        return ControlRunner.method(config.algorithm().label(), config.control().adapter());
    }

    /** A short description of the planner and adapter, for progress lines. */
    public String describe() {
        RunConfig.Control c = config.control();
        return String.format(java.util.Locale.ROOT, "%s (planner %s N=%d H=%d I=%d; adapter k=%d alpha=%s M=%d loss=%s)",
                method(), c.planner().type().configName(), c.planner().candidates(), c.planner().horizon(),
                c.planner().iterations(), c.adapterSettings().steps(), c.adapterSettings().lr(), c.adapterSettings().window(),
                c.adapterSettings().loss().configName());
    }
}
