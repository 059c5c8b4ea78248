package org.mbmrl.driver.control;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.driver.checkpoint.Checkpoint;
import org.mbmrl.driver.checkpoint.CheckpointManifest;
import org.mbmrl.driver.checkpoint.TrainedRun;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;

/**
 * The controller of a run's checkpoint, opened and checked on the driver before any job: the
 * {@link TrainedRun} (checkpoint, config with {@code control.*} / {@code collect.*} overrides,
 * model, normalizer, theta*, per-task state) and the dataset whose tasks are controlled (the
 * checkpoint's, unless another is given), whose dimensions and task family must fit the model.
 */
public final class ControlSource {
    /**
     * Config keys a controller command may override with {@code --set}: the control and collect
     * sections, and the algorithms' meta-test settings (e.g. {@code vi.inference_lr}).
     */
    public static final List<String> OVERRIDABLE = overridable();

    private static List<String> overridable() {
        List<String> keys = new java.util.ArrayList<>(List.of("control.", "collect."));
        for (org.mbmrl.workers.algorithms.MetaAlgorithm a : org.mbmrl.workers.algorithms.Algorithms.all()) {
            for (org.mbmrl.workers.algorithms.Setting s : a.settings()) {
                if (s.metaTest()) {
                    keys.add(a.sectionName() + "." + s.key());
                }
            }
        }
        return List.copyOf(keys);
    }

    public final TrainedRun run;
    public final Path runDir;
    public final Checkpoint checkpoint;
    public final RunConfig config;
    public final DatasetReader data;
    public final TaskFamily family;

    private ControlSource(TrainedRun run, DatasetReader data, TaskFamily family) {
        this.run = run;
        this.runDir = run.runDir;
        this.checkpoint = run.checkpoint;
        this.config = run.config;
        this.data = data;
        this.family = family;
    }

    /**
     * Opens checkpoint {@code checkpointName} (null: the newest) of the run in {@code runLocation};
     * {@code dataset} null means the dataset the checkpoint was trained on.
     */
    public static ControlSource open(SparkSession spark, String runLocation, String checkpointName, String dataset,
            boolean allowChangedDataset, List<String> overrides) {
        TrainedRun run = TrainedRun.open(spark.sparkContext().hadoopConfiguration(), runLocation, checkpointName, overrides,
                OVERRIDABLE);
        DatasetReader data = dataset != null ? DatasetReader.open(spark, dataset)
                : run.openTrainingData(spark, allowChangedDataset);
        if (data.manifest().isExternal()) {
            throw new org.mbmrl.driver.UserError("dataset " + data.location() + " has family "
                    + org.mbmrl.driver.data.DatasetManifest.EXTERNAL + " (imported data): there is no simulator to run"
                    + " control episodes or collect on; evaluate without --control predicts on it");
        }
        TaskFamily family = data.manifest().taskFamily();
        run.checkDataset(data.location(), family.name(), data.manifest().observationDim(), data.manifest().actionDim());
        return new ControlSource(run, data, family);
    }

    /** The round (train.rounds) of the data the checkpoint was trained on. */
    public int round() {
        return CheckpointManifest.round(checkpoint.manifest());
    }

    /** The executor-side runner of this controller; theta* and the task state are broadcast once. */
    public ControlRunner runner(SparkSession spark) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RunConfig.Control c = config.control();
        return new ControlRunner(family.name(), family.ranges(), run.spec, run.normalizer, jsc.broadcast(run.theta),
                jsc.broadcast(TaskStateShare.of(run.taskState)), config.algorithm(), c.adapter(), c.adapterSettings(),
                c.planner(), config.seed());
    }

    /** The method label of this controller, e.g. {@code maml+gradient}. */
    public String method() {
        return ControlRunner.method(config.algorithm().name(), config.control().adapter());
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
