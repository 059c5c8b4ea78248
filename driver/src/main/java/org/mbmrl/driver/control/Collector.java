package org.mbmrl.driver.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.mbmrl.datasets.Schema;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.progress.Progress;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.checkpoint.RunLock;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetGenerator;
import org.mbmrl.driver.data.DatasetManifest;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.data.TableSchemas;

/**
 * {@code mbmrl collect}: on-policy episodes with a run's adaptive MPC (the checkpoint's model
 * and online adapter, survey IV-A algorithm 1's data collection) on a seeded sample of the
 * source dataset's train tasks, run on the executors (one Spark task per task), written as a
 * new dataset version: the source's {@code tasks} and {@code transitions} files copied
 * unchanged, plus the new episodes (numbered after each task's last one) in new files of
 * {@code transitions/}, and a {@code dataset.json} with {@code provenance}. The source is
 * never written; the new version is built in a hidden temporary sibling and renamed into place.
 */
public final class Collector {
    private Collector() {}

    /** What was collected. */
    public record Report(String dataset, int round, int tasks, int episodes, long newTransitions, long totalTransitions,
            double meanReturn) {}

    public static Report collect(SparkSession spark, ControlSource source, String out, int round, PrintStream progress) {
        if (round < 1) {
            throw new UserError("collect: --round must be >= 1; got " + round);
        }
        Path target = Files.path(out);
        Path sourceRoot = Files.path(source.data.uri());
        FileSystem fs = Files.fs(target, spark.sparkContext().hadoopConfiguration());
        FileSystem srcFs = Files.fs(sourceRoot, spark.sparkContext().hadoopConfiguration());
        Path tmp = Files.child(target.getParent(), "." + target.getName() + ".tmp");
        if (Files.isInside(target, sourceRoot)) {
            throw new UserError("--out " + out + " lies inside the source dataset " + source.data.location()
                    + " (the source is never written); choose a directory outside it");
        }
        // One writer per output: a second collect to the same --out is refused, naming the first.
        try (RunLock lock = RunLock.acquireFile(fs, Files.child(target.getParent(), "." + target.getName() + ".lock"),
                "the dataset version")) {
            return write(spark, source, out, round, progress, target, tmp, fs, srcFs, sourceRoot);
        }
    }

    private static Report write(SparkSession spark, ControlSource source, String out, int round, PrintStream progress,
            Path target, Path tmp, FileSystem fs, FileSystem srcFs, Path sourceRoot) {
        RunConfig config = source.config;
        RunConfig.Collect settings = config.collect();
        int length = config.control().episodeLength(source.family);
        try {
            if (fs.exists(target)) {
                throw new UserError("output already exists: " + out + " (collect writes a new dataset version; choose"
                        + " another --out)");
            }
            // 1. The source's values, tasks and episode numbers, checked before anything is written.
            source.data.validateAll();
            List<DatasetReader.TaskParameters> train = source.data.taskParameters(Split.TRAIN);
            List<DatasetReader.TaskParameters> chosen = sample(train, settings.tasks(), config.seed(), round);
            Map<Long, Integer> last = source.data.lastEpisodes();
            List<TaskJob> jobs = new ArrayList<>();
            for (DatasetReader.TaskParameters t : chosen) {
                Integer l = last.get(t.taskId());
                jobs.add(new TaskJob(t.taskId(), Split.TRAIN.label(), t.parameters(), l == null ? 0 : l + 1));
            }
            long oldRows = source.data.transitionCount();
            progress.printf("collect round %d: %d of %d train tasks x %d episodes x %d steps with %s, checkpoint %s,"
                    + " from %s%n", round, jobs.size(), train.size(), settings.episodes(), length, source.describe(),
                    source.checkpoint.name(), source.data.location());

            // 2. The source's files, unchanged, in the new version.
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
            fs.mkdirs(tmp);
            for (String table : List.of(Schema.TASKS, Schema.TRANSITIONS)) {
                copyTable(srcFs, new Path(sourceRoot, table), fs, new Path(tmp, table), spark);
            }

            // 3. The episodes, on the executors; kept in executor memory to summarize, then written.
            ControlRunner runner = source.runner(spark);
            int episodes = settings.episodes();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            long t0 = System.nanoTime();
            JavaRDD<CollectedTask> collected = jsc.parallelize(jobs, Math.max(1, jobs.size()))
                    .map(j -> runner.collect(j, episodes, length, round)).persist(StorageLevel.MEMORY_ONLY());
            List<CollectedTask> summaries;
            try {
                try (Progress bar = Progress.start("collect", jobs.size(), "tasks", progress);
                        Progress.Counting counting = bar.countSparkTasks(spark.sparkContext())) {
                    summaries = new ArrayList<>(collected.map(CollectedTask::summary).collect());
                }
                summaries.sort(Comparator.comparingLong(c -> c.taskId));
                for (CollectedTask c : summaries) {
                    if (c.problem != null) {
                        throw new UserError("collect: collected data is not valid: " + c.problem);
                    }
                }
                spark.createDataFrame(collected.flatMap(c -> DatasetGenerator.rowsOf(c.transitions)),
                        TableSchemas.transitions(source.family.observationDim(), source.family.actionDim()))
                        .write().mode(SaveMode.Append).parquet(new Path(tmp, Schema.TRANSITIONS).toString());
            } finally {
                collected.unpersist(false);
                runner.release();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long newRows = 0;
            double sum = 0;
            int n = 0;
            for (CollectedTask c : summaries) {
                newRows += c.rows;
                for (double r : c.returns) {
                    sum += r;
                    n++;
                }
                progress.printf("  task %d: episodes %d..%d, returns %s%n", c.taskId, firstEpisode(jobs, c.taskId),
                        firstEpisode(jobs, c.taskId) + episodes - 1, returns(c.returns));
            }
            double mean = n == 0 ? Double.NaN : sum / n;

            // 4. dataset.json with provenance, written last; then the rename.
            DatasetManifest manifest = source.data.manifest().withProvenance(provenance(source, round, jobs, episodes,
                    length, newRows, mean));
            Files.write(fs, new Path(tmp, Schema.MANIFEST), CheckpointStore.JSON.writeValueAsBytes(manifest));
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
            progress.printf("collected %d episodes (%d transitions, mean return %.2f) in %.1f s; wrote %s (%d + %d"
                    + " transitions)%n", n, newRows, mean, seconds, out, oldRows, newRows);
            return new Report(out, round, jobs.size(), n, newRows, oldRows + newRows, mean);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dataset " + out, e);
        } finally {
            try {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, true);
                }
            } catch (IOException ignored) {
                // best effort: the hidden temporary directory is replaced by the next run
            }
        }
    }

    /** {@code count} train tasks (0: all), a seeded sample per (run seed, round), in id order. */
    static List<DatasetReader.TaskParameters> sample(List<DatasetReader.TaskParameters> tasks, int count, long seed,
            int round) {
        if (count == 0 || count >= tasks.size()) {
            return tasks;
        }
        List<DatasetReader.TaskParameters> perm = new ArrayList<>(tasks);
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, ControlRunner.STREAM_COLLECT, round));
        for (int i = perm.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            DatasetReader.TaskParameters t = perm.get(i);
            perm.set(i, perm.get(j));
            perm.set(j, t);
        }
        List<DatasetReader.TaskParameters> out = new ArrayList<>(perm.subList(0, count));
        out.sort(Comparator.comparingLong(DatasetReader.TaskParameters::taskId));
        return out;
    }

    /** Copies a table's data files (names kept, bytes unchanged); Hadoop checksum and marker files are not copied. */
    private static void copyTable(FileSystem srcFs, Path src, FileSystem dstFs, Path dst, SparkSession spark)
            throws IOException {
        dstFs.mkdirs(dst);
        for (FileStatus s : srcFs.listStatus(src)) {
            String name = s.getPath().getName();
            if (s.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                FileUtil.copy(srcFs, s.getPath(), dstFs, new Path(dst, name), false, spark.sparkContext().hadoopConfiguration());
            }
        }
    }

    private static int firstEpisode(List<TaskJob> jobs, long taskId) {
        for (TaskJob j : jobs) {
            if (j.taskId == taskId) {
                return j.firstEpisode;
            }
        }
        return -1;
    }

    private static String returns(double[] r) {
        StringBuilder b = new StringBuilder();
        for (double v : r) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.1f", v));
        }
        return b.toString();
    }

    private static ObjectNode provenance(ControlSource source, int round, List<TaskJob> jobs, int episodes, int length,
            long rows, double meanReturn) {
        ObjectNode p = CheckpointStore.JSON.createObjectNode();
        ObjectNode s = p.putObject("source");
        s.put("uri", source.data.uri().replaceFirst("/$", ""));
        s.put("fingerprint", source.data.fingerprint());
        if (source.data.manifest().provenance() != null) {
            s.set("provenance", source.data.manifest().provenance());
        }
        p.put("run_dir", source.runDir.toString().replaceFirst("/$", ""));
        p.put("checkpoint", source.checkpoint.name());
        p.put("checkpoint_iteration", source.checkpoint.iteration());
        p.put("checkpoint_round", source.round());
        p.put("round", round);
        p.put("method", source.method());
        RunConfig.Control c = source.config.control();
        ObjectNode planner = p.putObject("planner");
        planner.put("type", c.planner().type().configName());
        planner.put("horizon", c.planner().horizon());
        planner.put("candidates", c.planner().candidates());
        planner.put("iterations", c.planner().iterations());
        planner.put("warm_start", c.planner().warmStart());
        planner.put("cem_output", c.planner().cemOutput().configName());
        ObjectNode adapter = p.putObject("adapter");
        adapter.put("type", c.adapter());
        adapter.put("steps", c.adapterSettings().steps());
        adapter.put("lr", c.adapterSettings().lr());
        adapter.put("window", c.adapterSettings().window());
        adapter.put("loss", c.adapterSettings().loss().configName());
        adapter.put("guard", c.adapterSettings().guard());
        ObjectNode collected = p.putObject("collected");
        ArrayNode ids = collected.putArray("task_ids");
        ArrayNode first = collected.putArray("first_episodes");
        for (TaskJob j : jobs) {
            ids.add(j.taskId);
            first.add(j.firstEpisode);
        }
        collected.put("episodes_per_task", episodes);
        collected.put("episode_length", length);
        collected.put("transitions", rows);
        collected.put("mean_return", meanReturn);
        collected.put("seed", source.config.seed());
        return p;
    }
}
