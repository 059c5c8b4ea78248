package org.mbmrl.driver.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.Split;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.mbmrl.driver.checkpoint.TrainedRun;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.control.TaskStateShare;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.train.TaskStep;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.learn.AdaptationEvaluator;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.TaskEvaluation;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code mbmrl evaluate}: meta-test of a checkpoint on the held-out tasks of a split, run on
 * the executors. For each task and each of its seeded segments: the NLL and MSE of the K
 * future transitions before adaptation, and after the algorithm's meta-test adapter saw the M
 * past transitions (GrBAL's inner loop for maml, reptile and pooled; FAMLE's eq. 17 + 18; VI's
 * eq. 23). Results go to {@code RUN/eval/split=S/iteration=N/} (Parquet).
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
            boolean allowChangedDataset, PrintStream out) {
        TrainedRun run = TrainedRun.open(spark.sparkContext().hadoopConfiguration(), runLocation, checkpointName, null,
                List.of());
        try (EvalOutput output = EvalOutput.open(spark, run.runDir)) {
            return evaluate(spark, run, split, allowChangedDataset, output, out);
        }
    }

    private static AdaptationReport evaluate(SparkSession spark, TrainedRun run, Split split, boolean allowChangedDataset,
            EvalOutput output, PrintStream out) {
        RunConfig config = run.config;
        Algorithm algorithm = config.algorithm();
        ModelSpec spec = run.spec;
        Normalizer norm = run.normalizer;
        InnerLoop inner = config.adapt();
        int segments = config.evaluate().segments();
        long seed = config.seed();
        float[] theta = run.theta;
        String adapterName = algorithm.metaTestAdapter();
        AdapterSettings settings = algorithm.adapterDefaults(adapterName).with(null, null, inner.past());

        DatasetReader data = run.openTrainingData(spark, allowChangedDataset);
        DatasetReader.LoadedSplit tasks = data.load(split, inner.segmentLength(), config.train().partitions());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<TaskStateShare> state = jsc.broadcast(TaskStateShare.of(run.taskState));
        List<double[]> rows;
        try {
            rows = new ArrayList<>(tasks.tasks().map(t -> {
                TaskStep.configureThreads();
                DynamicsModel model = spec.create(DataType.FLOAT);
                long taskSeed = Seeds.derive(seed, Seeds.STREAM_EVAL, t.taskId());
                OnlineAdapter adapter = algorithm.onlineAdapter(adapterName, model,
                        Nd4j.create(theta, new long[] {1, theta.length}, DataType.FLOAT), state.value().table(), settings,
                        taskSeed);
                TaskEvaluation e = new AdaptationEvaluator(model, norm, adapter, inner.past(), inner.future(), segments)
                        .evaluate(t, taskSeed);
                return new double[] {e.taskId(), e.segments(), e.nllBefore(), e.nllAfter(), e.mseBefore(), e.mseAfter()};
            }).collect());
        } finally {
            tasks.release();
            state.destroy();
        }
        rows.sort(Comparator.comparingDouble(r -> r[0]));
        List<TaskEvaluation> evaluations = new ArrayList<>();
        List<Row> table = new ArrayList<>();
        String label = algorithm.name();
        for (double[] r : rows) {
            TaskEvaluation e = new TaskEvaluation((long) r[0], (int) r[1], r[2], r[3], r[4], r[5]);
            evaluations.add(e);
            table.add(RowFactory.create(e.taskId(), label, e.segments(), e.nllBefore(), e.nllAfter(), e.mseBefore(),
                    e.mseAfter()));
        }
        Path dir = output.path("split=" + split.label(), "iteration=" + run.iteration());
        output.write(spark.createDataFrame(table, SCHEMA), dir);
        AdaptationReport report = new AdaptationReport(label, split.label(), run.iteration(), evaluations);
        out.print(report.table(20));
        out.println("wrote " + dir);
        return report;
    }
}
