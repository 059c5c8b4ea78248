package org.mbmrl.driver.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.TaskStateTable;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;

/**
 * A trained run opened for use, the one way evaluate, control, collect and export read a
 * checkpoint: the verified checkpoint, its effective config (with the caller's allowed
 * {@code --set} overrides) and bound algorithm, the model architecture, the normalizer, theta*
 * and the per-task state, with every dimension checked once against the others. A problem is
 * one line naming the checkpoint and the file or key.
 */
public final class TrainedRun {
    /** The run directory; null when a checkpoint directory was opened directly. */
    public final Path runDir;
    public final Checkpoint checkpoint;
    public final RunConfig config;
    public final ModelSpec spec;
    public final Normalizer normalizer;
    public final float[] theta;
    public final TaskStateTable taskState;

    private TrainedRun(Path runDir, Checkpoint checkpoint, RunConfig config) {
        String where = "checkpoint " + checkpoint.name();
        this.runDir = runDir;
        this.checkpoint = checkpoint;
        this.config = config;
        try {
            this.spec = CheckpointManifest.spec(checkpoint.manifest());
            this.normalizer = CheckpointManifest.normalizer(checkpoint.manifest());
        } catch (IllegalArgumentException e) {
            throw new UserError(where + "/manifest.json: " + e.getMessage());
        }
        Algorithm algorithm = config.algorithm();
        if (spec.contextDim() != algorithm.contextDim()) {
            throw new UserError(where + ": its model has a context input of " + spec.contextDim() + " but algorithm "
                    + algorithm.name() + " with this config gives " + algorithm.contextDim());
        }
        this.theta = checkpoint.floatVector("theta", spec.parameterCount(), "its model (" + spec.observationDim() + " obs, "
                + spec.actionDim() + " act, context " + spec.contextDim() + ", hidden " + spec.mlp().hidden()
                + (spec instanceof org.mbmrl.workers.model.RecurrentSpec ? ", recurrent encoder" : "") + ")");
        if (normalizer.observationDim() != spec.observationDim() || normalizer.actionDim() != spec.actionDim()) {
            throw new UserError(where + ": normalizer dimensions (" + normalizer.observationDim() + " obs, "
                    + normalizer.actionDim() + " act) do not match the model's (" + spec.observationDim() + ", "
                    + spec.actionDim() + ")");
        }
        this.taskState = CheckpointManifest.taskState(checkpoint, algorithm.taskStateWidth());
    }

    /**
     * Checkpoint {@code checkpointName} (null: the newest) of the run in {@code runLocation};
     * {@code overrides} may only set keys under {@code allowedPrefixes}.
     */
    public static TrainedRun open(Configuration conf, String runLocation, String checkpointName, List<String> overrides,
            List<String> allowedPrefixes) {
        Path runDir = Files.path(runLocation);
        try {
            FileSystem fs = Files.fs(runDir, conf);
            if (!fs.exists(runDir)) {
                throw new UserError("run directory does not exist: " + runLocation);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CheckpointStore store = new CheckpointStore(runDir, conf);
        String name = checkpointName != null ? checkpointName : store.latestName();
        if (name == null) {
            throw new UserError("run " + runLocation + " has no checkpoint");
        }
        Checkpoint ckpt = store.read(name);
        return new TrainedRun(runDir, ckpt, ConfigLoader.withOverrides(config(ckpt), overrides, allowedPrefixes));
    }

    /** The checkpoint in directory {@code checkpointDir} (export of a single checkpoint). */
    public static TrainedRun openCheckpoint(FileSystem fs, Path checkpointDir) {
        Checkpoint ckpt = CheckpointStore.readDirectory(fs, checkpointDir);
        return new TrainedRun(null, ckpt, config(ckpt));
    }

    private static RunConfig config(Checkpoint ckpt) {
        try {
            return CheckpointManifest.config(ckpt.manifest(), ckpt.name() + "/manifest.json");
        } catch (UserError e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UserError("checkpoint " + ckpt.name() + "/manifest.json: its config: " + e.getMessage());
        }
    }

    public Algorithm algorithm() {
        return config.algorithm();
    }

    public int iteration() {
        return checkpoint.iteration();
    }

    /** The qualified URI of the dataset the checkpoint was trained on. */
    public String datasetUri() {
        return CheckpointManifest.datasetUri(checkpoint.manifest());
    }

    /** The option that lets a command read a dataset that changed since the checkpoint was trained on it. */
    public static final String ALLOW_CHANGED_DATASET = "--allow-changed-dataset";

    /**
     * The dataset the checkpoint was trained on, opened and checked: refused in one line if it
     * changed since (regenerated in place or edited: its fingerprint differs from the one the
     * checkpoint recorded), unless {@code allowChanged} ({@value #ALLOW_CHANGED_DATASET}).
     */
    public DatasetReader openTrainingData(SparkSession spark, boolean allowChanged) {
        DatasetReader data = DatasetReader.open(spark, datasetUri());
        String trainedOn = CheckpointManifest.datasetFingerprint(checkpoint.manifest());
        if (!allowChanged && !data.fingerprint().equals(trainedOn)) {
            throw new UserError("dataset " + data.location() + " changed since checkpoint " + checkpoint.name()
                    + " was trained on it (fingerprint " + abbreviate(data.fingerprint()) + ", trained on "
                    + abbreviate(trainedOn) + "); " + ALLOW_CHANGED_DATASET + " uses it anyway");
        }
        checkDataset(data.location(), data.manifest().family(), data.manifest().observationDim(),
                data.manifest().actionDim());
        return data;
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    /** One line if a dataset of these dimensions cannot be used with this model. */
    public void checkDataset(String location, String family, int observationDim, int actionDim) {
        if (observationDim != spec.observationDim() || actionDim != spec.actionDim()) {
            throw new UserError("checkpoint " + checkpoint.name() + ": model dimensions (observation_dim " + spec.observationDim()
                    + ", action_dim " + spec.actionDim() + ") do not match dataset " + location + " (family " + family
                    + ": observation_dim " + observationDim + ", action_dim " + actionDim + ")");
        }
    }
}
