package org.mbmrl.driver.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.EpisodeGenerator;
import org.mbmrl.datasets.Schema;
import org.mbmrl.datasets.TaskDistribution;
import org.mbmrl.datasets.TaskSpec;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.progress.Progress;

/**
 * {@code mbmrl generate}: rolls out seeded random-action episodes for every task of a
 * distribution on the executors (one Spark task per slice of task ids; each task is rebuilt
 * from (seed, task id) where it runs) and writes the {@code tasks} and {@code transitions}
 * tables and {@code dataset.json}. Everything goes to a temporary sibling directory that is
 * renamed into place at the end, so a failed run leaves nothing half-written.
 */
public final class DatasetGenerator {
    private DatasetGenerator() {}

    public static DatasetManifest generate(SparkSession spark, String out, TaskDistribution dist, int episodes, int steps,
            java.io.PrintStream progress) {
        EpisodeGenerator generator = new EpisodeGenerator(episodes, steps);
        TaskFamily family = dist.taskFamily();
        return NewDataset.write(spark, out, "--out", (tmp, fs) -> {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Long> ids = LongStream.range(0, dist.totalTasks()).boxed().toList();
            int slices = Math.max(1, Math.min(ids.size(), 4 * jsc.defaultParallelism()));
            progress.printf("generating %d %s tasks (%d train, %d test, %d ood), %d episodes x %d steps each%n",
                    dist.totalTasks(), dist.family(), dist.trainTasks(), dist.testTasks(), dist.oodTasks(), episodes, steps);

            List<Row> taskRows = new ArrayList<>();
            for (TaskSpec t : dist.tasks()) {
                Map<String, Double> params = new LinkedHashMap<>();
                for (int i = 0; i < t.parameters().length; i++) {
                    params.put(family.parameterNames().get(i), t.parameters()[i]);
                }
                taskRows.add(RowFactory.create(t.taskId(), t.family(), t.split().label(), params, t.seed()));
            }
            spark.createDataFrame(taskRows, TableSchemas.tasks()).coalesce(1).write()
                    .parquet(new Path(tmp, Schema.TASKS).toString());

            JavaRDD<Row> rows = jsc.parallelize(ids, slices).flatMap(id -> rowsOf(generator.generate(dist.task(id))));
            try (Progress bar = Progress.start("generate", slices, "slices", progress);
                    Progress.Counting counting = bar.countSparkTasks(spark.sparkContext())) {
                spark.createDataFrame(rows, TableSchemas.transitions(family.observationDim(), family.actionDim())).write()
                        .parquet(new Path(tmp, Schema.TRANSITIONS).toString());
            }

            DatasetManifest manifest = new DatasetManifest(Schema.FORMAT_VERSION, family.name(), family.observationDim(),
                    family.actionDim(), family.parameterNames(), dist.trainTasks(), dist.testTasks(), dist.oodTasks(),
                    episodes, steps, dist.seed(), "random-actions").withTaskRanges(dist.ranges());
            Files.write(fs, new Path(tmp, Schema.MANIFEST), CheckpointStore.JSON.writeValueAsBytes(manifest));
            progress.printf("wrote %s (%d transitions)%n", out, (long) dist.totalTasks() * episodes * steps);
            return manifest;
        });
    }

    /** The rows of the transitions table for one task, in its row order. */
    public static Iterator<Row> rowsOf(TaskTransitions t) {
        int ds = t.observationDim();
        int da = t.actionDim();
        List<Row> rows = new ArrayList<>(t.size());
        for (int i = 0; i < t.size(); i++) {
            rows.add(RowFactory.create(t.taskId(), t.episode()[i], t.step()[i],
                    java.util.Arrays.copyOfRange(t.observation(), i * ds, (i + 1) * ds),
                    java.util.Arrays.copyOfRange(t.action(), i * da, (i + 1) * da),
                    java.util.Arrays.copyOfRange(t.nextObservation(), i * ds, (i + 1) * ds),
                    t.reward()[i], t.terminated()[i], t.truncated()[i]));
        }
        return rows.iterator();
    }
}
