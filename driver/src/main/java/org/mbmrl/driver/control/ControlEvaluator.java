package org.mbmrl.driver.control;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.progress.Progress;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.eval.EvalOutput;

/**
 * {@code mbmrl evaluate --control}: control episodes with the run's adaptive MPC (survey
 * IV-A algorithm 2, eq. 16) on held-out tasks, without and with the family's mid-episode
 * change, optionally beside MPC on the true dynamics. One Spark task per task; the episodes
 * go to {@code RUN/eval/control/iteration=N/} (Parquet, {@link #SCHEMA}) and a table.
 */
public final class ControlEvaluator {
    /** The columns of {@code RUN/eval/control/} (a notebook reads them; keep in step with docs/formats.md). */
    public static final StructType SCHEMA = new StructType()
            .add("family", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("task_id", DataTypes.LongType, false)
            .add("algorithm", DataTypes.StringType, false)
            .add("adapter", DataTypes.StringType, false)
            .add("planner", DataTypes.StringType, false)
            .add("method", DataTypes.StringType, false)
            .add("changed", DataTypes.BooleanType, false)
            .add("change_step", DataTypes.IntegerType, false)
            .add("episode", DataTypes.IntegerType, false)
            .add("return", DataTypes.DoubleType, false)
            .add("recovery_steps", DataTypes.IntegerType, false)
            .add("recovered", DataTypes.BooleanType, false)
            .add("steps", DataTypes.IntegerType, false)
            .add("adapt_ms", DataTypes.DoubleType, false)
            .add("plan_ms", DataTypes.DoubleType, false)
            .add("rejected_steps", DataTypes.IntegerType, false)
            .add("rewards", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private ControlEvaluator() {}

    /** Evaluates {@code source}'s controller on the tasks of {@code splits}; writes Parquet and prints the table. */
    public static ControlReport evaluate(SparkSession spark, ControlSource source, List<Split> splits, boolean reference,
            PrintStream out) {
        // The config is checked before RUN/eval/ is touched: a refused evaluation leaves nothing behind.
        try {
            source.config.control().changeStep(source.config.control().episodeLength(source.family));
        } catch (IllegalArgumentException e) {
            throw new org.mbmrl.driver.UserError("config: " + e.getMessage());
        }
        try (EvalOutput output = EvalOutput.open(spark, source.runDir)) {
            return evaluate(spark, source, splits, reference, output, out);
        }
    }

    private static ControlReport evaluate(SparkSession spark, ControlSource source, List<Split> splits, boolean reference,
            EvalOutput output, PrintStream out) {
        RunConfig.Control c = source.config.control();
        int length = c.episodeLength(source.family);
        int change;
        try {
            change = c.changeStep(length);
        } catch (IllegalArgumentException e) {
            throw new org.mbmrl.driver.UserError("config: " + e.getMessage());
        }
        List<TaskJob> jobs = new ArrayList<>();
        for (Split s : splits) {
            List<DatasetReader.TaskParameters> tasks = source.data.taskParameters(s);
            int n = c.tasks() == 0 ? tasks.size() : Math.min(c.tasks(), tasks.size());
            for (DatasetReader.TaskParameters t : tasks.subList(0, n)) {
                jobs.add(new TaskJob(t.taskId(), s.label(), t.parameters(), 0));
            }
        }
        out.printf("control: %d tasks (%s) x %d episodes of %d steps, %s, change at %s, with %s%s%n", jobs.size(),
                String.join("+", splits.stream().map(Split::label).toList()), c.episodes(), length,
                "without and with the change", change >= 0 ? "step " + change : "none (change_step -1)", source.describe(),
                reference ? " and the true dynamics" : "");
        ControlRunner runner = source.runner(spark);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int episodes = c.episodes();
        JavaRDD<TaskJob> rdd = jsc.parallelize(jobs, Math.max(1, jobs.size()));
        long t0 = System.nanoTime();
        List<EpisodeOutcome> outcomes;
        try {
            try (Progress bar = Progress.start("control", jobs.size(), "tasks", out);
                    Progress.Counting counting = bar.countSparkTasks(spark.sparkContext())) {
                outcomes = new ArrayList<>(
                        rdd.flatMap(j -> runner.evaluate(j, episodes, length, change, reference).iterator()).collect());
            }
        } finally {
            runner.release();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        outcomes.sort(Comparator.comparingLong((EpisodeOutcome o) -> o.taskId).thenComparing(o -> o.method)
                .thenComparingInt(o -> o.episode).thenComparing(o -> o.changed));

        String family = source.family.name();
        String planner = c.planner().type().configName();
        List<Row> rows = new ArrayList<>();
        for (EpisodeOutcome o : outcomes) {
            rows.add(RowFactory.create(family, o.split, o.taskId, o.algorithm, o.adapter, planner, o.method, o.changed,
                    o.changeStep, o.episode, o.totalReturn, o.recoverySteps, o.recovered, o.steps, o.adaptMs, o.planMs, o.rejectedSteps,
                    o.rewards));
        }
        int iteration = source.checkpoint.iteration();
        Path dir = output.path("control", "iteration=" + iteration);
        output.write(spark.createDataFrame(rows, SCHEMA), dir);
        ControlReport report = new ControlReport(family, iteration, outcomes);
        out.print(report.table());
        out.printf("wrote %s (%d episodes in %.1f s)%n", dir, outcomes.size(), seconds);
        return report;
    }
}
