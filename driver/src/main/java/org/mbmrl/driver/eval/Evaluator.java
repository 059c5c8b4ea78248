package org.mbmrl.driver.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.Checkpoint;
import org.mbmrl.driver.checkpoint.CheckpointManifest;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.train.TaskStep;
import org.mbmrl.workers.learn.AdaptationEvaluator;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.TaskEvaluation;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code mbmrl evaluate}: meta-test of a checkpoint on the held-out tasks of a split, run on
 * the executors. For each task and each of its seeded segments: the NLL and MSE of the K
 * future transitions under theta, and under phi = theta adapted by the run's inner loop on
 * the M past transitions. Results go to {@code RUN/eval/split=S/iteration=N/} (Parquet).
 */
public final class Evaluator {
    public static final StructType SCHEMA = new StructType()
            .add("task_id", DataTypes.LongType, false)
            .add("algorithm", DataTypes.StringType, false)
            .add("segments", DataTypes.IntegerType, false)
            .add("nll_before", DataTypes.DoubleType, false)
            .add("nll_after", DataTypes.DoubleType, false)
            .add("mse_before", DataTypes.DoubleType, false)
            .add("mse_after", DataTypes.DoubleType, false);

    private Evaluator() {}

    /** Evaluates checkpoint {@code checkpointName} (null: the newest) of the run in {@code runLocation}. */
    public static AdaptationReport evaluate(SparkSession spark, String runLocation, Split split, String checkpointName,
            PrintStream out) {
        Path runDir = Files.path(runLocation);
        CheckpointStore store = new CheckpointStore(runDir, spark.sparkContext().hadoopConfiguration());
        try {
            if (!Files.fs(runDir, spark.sparkContext().hadoopConfiguration()).exists(runDir)) {
                throw new UserError("run directory does not exist: " + runLocation);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String name = checkpointName != null ? checkpointName : store.latestName();
        if (name == null) {
            throw new UserError("run " + runLocation + " has no checkpoint to evaluate");
        }
        Checkpoint ckpt = store.read(name);
        RunConfig config = CheckpointManifest.config(ckpt.manifest(), name + "/manifest.json");
        MlpSpec spec = CheckpointManifest.spec(ckpt.manifest());
        Normalizer norm = CheckpointManifest.normalizer(ckpt.manifest());
        InnerLoop inner = config.adapt();
        int segments = config.evaluate().segments();
        long seed = config.seed();
        float[] theta = ckpt.array("theta").toFloatVector();

        DatasetReader data = DatasetReader.open(spark, CheckpointManifest.datasetUri(ckpt.manifest()));
        DatasetReader.LoadedSplit tasks = data.load(split, inner.segmentLength(), config.train().partitions());
        List<double[]> rows;
        try {
            rows = new ArrayList<>(tasks.tasks().map(t -> {
                TaskStep.configureThreads();
                GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
                TaskEvaluation e = new AdaptationEvaluator(model, norm, inner, segments).evaluate(
                        Nd4j.create(theta, new long[] {1, theta.length}, DataType.FLOAT), t,
                        Seeds.derive(seed, Seeds.STREAM_EVAL, t.taskId()));
                return new double[] {e.taskId(), e.segments(), e.nllBefore(), e.nllAfter(), e.mseBefore(), e.mseAfter()};
            }).collect());
        } finally {
            tasks.release();
        }
        rows.sort(Comparator.comparingDouble(r -> r[0]));
        List<TaskEvaluation> evaluations = new ArrayList<>();
        List<Row> table = new ArrayList<>();
        String algorithm = config.algorithm().label();
        for (double[] r : rows) {
            TaskEvaluation e = new TaskEvaluation((long) r[0], (int) r[1], r[2], r[3], r[4], r[5]);
            evaluations.add(e);
            table.add(RowFactory.create(e.taskId(), algorithm, e.segments(), e.nllBefore(), e.nllAfter(), e.mseBefore(),
                    e.mseAfter()));
        }
        String dir = new Path(new Path(new Path(runDir, "eval"), "split=" + split.label()),
                "iteration=" + ckpt.iteration()).toString();
        spark.createDataFrame(table, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir);
        AdaptationReport report = new AdaptationReport(algorithm, split.label(), ckpt.iteration(), evaluations);
        out.print(report.table(20));
        out.println("wrote " + dir);
        return report;
    }
}
