package org.mbmrl.driver.data;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.mbmrl.datasets.Schema;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;

/**
 * Opens a dataset and validates it before any training job starts: {@code dataset.json},
 * the schemas of both tables, then every value (as a Spark job over the cached per-task
 * arrays). Problems are reported as one line naming the file, table, column, task and row.
 */
public final class DatasetReader {
    private final SparkSession spark;
    private final String location;
    private final Path root;
    private final DatasetManifest manifest;
    private final Dataset<Row> tasks;
    private final Dataset<Row> transitions;
    private final String fingerprint;
    /** The task ids of each split, sorted, once {@link #checkTables} has passed. */
    private final Map<Split, long[]> idsBySplit = new EnumMap<>(Split.class);

    private DatasetReader(SparkSession spark, String location, Path root, DatasetManifest manifest, Dataset<Row> tasks,
            Dataset<Row> transitions, String fingerprint) {
        this.spark = spark;
        this.location = location;
        this.root = root;
        this.manifest = manifest;
        this.tasks = tasks;
        this.transitions = transitions;
        this.fingerprint = fingerprint;
    }

    /** Opens {@code location}, checking the manifest and table schemas (no data is read yet). */
    public static DatasetReader open(SparkSession spark, String location) {
        Path root = Files.path(location);
        FileSystem fs = Files.fs(root, spark.sparkContext().hadoopConfiguration());
        try {
            if (!fs.exists(root)) {
                throw new UserError("dataset path does not exist: " + location);
            }
            Path mp = new Path(root, Schema.MANIFEST);
            if (!fs.exists(mp)) {
                throw new UserError("dataset " + location + " has no " + Schema.MANIFEST
                        + " (not a dataset written by `mbmrl generate`, or an incomplete one)");
            }
            byte[] manifestBytes = Files.read(fs, mp);
            DatasetManifest manifest;
            try {
                manifest = CheckpointStore.JSON.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(manifestBytes, DatasetManifest.class).validate(location + "/" + Schema.MANIFEST);
            } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
                List<com.fasterxml.jackson.databind.JsonMappingException.Reference> at = e.getPath();
                String field = at.isEmpty() || at.get(at.size() - 1).getFieldName() == null ? ""
                        : " field " + at.get(at.size() - 1).getFieldName() + ":";
                throw new UserError(location + "/" + Schema.MANIFEST + " is not valid:" + field + " "
                        + firstLine(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new UserError(location + "/" + Schema.MANIFEST + " is not valid: " + firstLine(e.getMessage()));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            for (String table : List.of(Schema.TASKS, Schema.TRANSITIONS)) {
                checkPartFiles(fs, new Path(root, table), location + "/" + table);
            }
            Dataset<Row> tasks = spark.read().parquet(new Path(root, Schema.TASKS).toString());
            Dataset<Row> transitions = spark.read().parquet(new Path(root, Schema.TRANSITIONS).toString());
            TableSchemas.check(location + "/" + Schema.TASKS, TableSchemas.tasks(), tasks.schema());
            TableSchemas.check(location + "/" + Schema.TRANSITIONS,
                    TableSchemas.transitions(manifest.observationDim(), manifest.actionDim()), transitions.schema());
            return new DatasetReader(spark, location, root, manifest, tasks, transitions, fingerprint(fs, root, manifestBytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + location, e);
        }
    }

    /**
     * A table directory holds Parquet part files and nothing else a reader would trip on: at
     * least one {@code *.parquet}, no other visible file (hidden and {@code _} files are
     * Spark's), each non-empty with Parquet's magic bytes at both ends (a truncated copy loses
     * the trailing ones). Read on the driver: a few bytes per file.
     */
    private static void checkPartFiles(FileSystem fs, Path dir, String where) throws IOException {
        if (!fs.exists(dir)) {
            throw new UserError("dataset table " + where + "/ does not exist");
        }
        if (!fs.getFileStatus(dir).isDirectory()) {
            throw new UserError("dataset table " + where + " is a file, not a directory of Parquet part files");
        }
        int parts = 0;
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            String file = where + "/" + name;
            if (f.isDirectory() || !name.endsWith(".parquet")) {
                throw new UserError(file + ": not a Parquet part file (a table directory holds only *.parquet files)");
            }
            if (f.getLen() < 12) {
                throw new UserError(file + ": " + f.getLen() + " bytes, too short to be Parquet (empty or truncated)");
            }
            byte[] head = new byte[4];
            byte[] tail = new byte[4];
            try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(f.getPath())) {
                in.readFully(0, head);
                in.readFully(f.getLen() - 4, tail);
            }
            if (!Arrays.equals(head, PARQUET_MAGIC) || !Arrays.equals(tail, PARQUET_MAGIC)) {
                throw new UserError(file + ": not a Parquet file (" + (Arrays.equals(head, PARQUET_MAGIC)
                        ? "no footer: truncated" : "no Parquet header") + ")");
            }
            parts++;
        }
        if (parts == 0) {
            throw new UserError("dataset table " + where + "/ has no Parquet part files");
        }
    }

    private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    /**
     * Table-level integrity, once per reader, before any task is built: every task listed once
     * with a non-null id, as many tasks per split as {@code dataset.json} says, and every
     * transition keyed (non-null task, episode, step) to a task of the tasks table. Per-task
     * checks (duplicates, gaps, values) run where the tasks are built.
     */
    private void checkTables() {
        if (!idsBySplit.isEmpty()) {
            return;
        }
        String tt = location + "/" + Schema.TASKS;
        Map<Split, List<Long>> bySplit = new EnumMap<>(Split.class);
        Set<Long> ids = new HashSet<>();
        for (Row r : tasks.select(Schema.TASK_ID, Schema.FAMILY, Schema.SPLIT).collectAsList()) {
            if (r.isNullAt(0) || r.isNullAt(1) || r.isNullAt(2)) {
                throw new UserError(tt + ": null task_id, family or split in row " + r);
            }
            long id = r.getLong(0);
            if (!ids.add(id)) {
                throw new UserError(tt + ": task " + id + " is listed more than once");
            }
            if (!r.getString(1).equals(manifest.family())) {
                throw new UserError(tt + ": task " + id + " has family '" + r.getString(1) + "' but the dataset is '"
                        + manifest.family() + "'");
            }
            try {
                bySplit.computeIfAbsent(Split.parse(r.getString(2)), k -> new ArrayList<>()).add(id);
            } catch (IllegalArgumentException e) {
                throw new UserError(tt + ": task " + id + ": " + e.getMessage());
            }
        }
        String mf = location + "/" + Schema.MANIFEST;
        int[] declared = {manifest.trainTasks(), manifest.testTasks(), manifest.oodTasks()};
        Split[] splits = {Split.TRAIN, Split.TEST, Split.OOD};
        for (int i = 0; i < splits.length; i++) {
            int actual = bySplit.getOrDefault(splits[i], List.of()).size();
            if (actual != declared[i]) {
                throw new UserError(mf + ": " + splits[i].label() + "_tasks is " + declared[i] + " but " + tt + " lists "
                        + actual + " " + splits[i].label() + " tasks");
            }
        }
        String tr = location + "/" + Schema.TRANSITIONS;
        // One pass over the transitions (no shuffle): null keys, and the smallest task id the tasks table does not list.
        Row nulls = transitions.agg(
                functions.sum(functions.when(col(Schema.TASK_ID).isNull(), 1).otherwise(0)),
                functions.sum(functions.when(col(Schema.EPISODE).isNull().or(col(Schema.STEP).isNull()), 1).otherwise(0)),
                functions.min(functions.when(functions.not(col(Schema.TASK_ID).isin(ids.toArray())), col(Schema.TASK_ID))))
                .first();
        if (!nulls.isNullAt(0) && nulls.getLong(0) > 0) {
            throw new UserError(tr + ": " + nulls.getLong(0) + " transitions have a null task_id");
        }
        if (!nulls.isNullAt(1) && nulls.getLong(1) > 0) {
            throw new UserError(tr + ": " + nulls.getLong(1) + " transitions have a null episode or step");
        }
        if (!nulls.isNullAt(2)) {
            throw new UserError(tr + ": transitions of task " + nulls.getLong(2) + ", which " + tt + " does not list");
        }
        for (Split split : Split.values()) {
            idsBySplit.put(split, bySplit.getOrDefault(split, List.of()).stream().mapToLong(Long::longValue).sorted().toArray());
        }
    }

    public DatasetManifest manifest() {
        return manifest;
    }

    /** sha256 over dataset.json and the names and sizes of the table files (provenance for checkpoints). */
    public String fingerprint() {
        return fingerprint;
    }

    public String location() {
        return location;
    }

    /** The dataset's fully qualified URI (what checkpoints record, so a run can be evaluated from any directory). */
    public String uri() {
        return root.toString();
    }

    private static String fingerprint(FileSystem fs, Path root, byte[] manifestBytes) throws IOException {
        ByteArrayOutputStream digest = new ByteArrayOutputStream();
        digest.writeBytes(manifestBytes);
        List<String> entries = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        String prefix = fs.makeQualified(root).toString();
        while (it.hasNext()) {
            FileStatus s = it.next();
            // Relative to the root however it is spelled ("DIR" or "DIR/"): the same dataset, the same fingerprint.
            String name = s.getPath().toString().substring(prefix.length()).replaceFirst("^/", "");
            if (name.endsWith(".parquet")) {
                entries.add(name + ":" + s.getLen());
            }
        }
        entries.sort(null);
        digest.writeBytes(String.join("\n", entries).getBytes(StandardCharsets.UTF_8));
        return Files.sha256(digest.toByteArray());
    }

    /** Task ids of {@code split}, sorted (the tables checked first, once). */
    public long[] taskIds(Split split) {
        checkTables();
        long[] ids = idsBySplit.get(split);
        if (ids.length == 0) {
            throw new UserError("dataset " + location + " has no " + split.label() + " tasks");
        }
        return ids.clone();
    }

    /** A task of the {@code tasks} table: its id and dynamics parameters in the family's order. */
    public record TaskParameters(long taskId, Split split, double[] parameters) {}

    /**
     * The tasks of {@code split} (sorted by id) with their dynamics parameters in the family's
     * {@code parameterNames()} order; a missing or non-finite parameter is a one-line error.
     */
    public List<TaskParameters> taskParameters(Split split) {
        long[] ids = taskIds(split);
        List<String> names = TaskFamilies.byName(manifest.family()).parameterNames();
        Map<Long, double[]> byId = new HashMap<>();
        for (Row r : tasks.select(Schema.TASK_ID, Schema.PARAMS).collectAsList()) {
            long id = r.getLong(0);
            if (Arrays.binarySearch(ids, id) < 0) {
                continue;
            }
            Map<String, Double> params = r.isNullAt(1) ? Map.of() : r.getJavaMap(1);
            double[] p = new double[names.size()];
            for (int i = 0; i < p.length; i++) {
                Double v = params.get(names.get(i));
                if (v == null || !Double.isFinite(v)) {
                    throw new UserError(location + "/" + Schema.TASKS + ": task " + id + " parameter '" + names.get(i)
                            + "' is " + (v == null ? "missing" : v) + " (family " + manifest.family() + " takes "
                            + String.join(", ", names) + ")");
                }
                p[i] = v;
            }
            byId.put(id, p);
        }
        List<TaskParameters> out = new ArrayList<>();
        for (long id : ids) {
            out.add(new TaskParameters(id, split, byId.get(id)));
        }
        return out;
    }

    /** The highest episode number of each task that has transitions (a Spark aggregate; no rows reach the driver). */
    public Map<Long, Integer> lastEpisodes() {
        Map<Long, Integer> last = new HashMap<>();
        for (Row r : transitions.groupBy(Schema.TASK_ID).agg(functions.max(Schema.EPISODE)).collectAsList()) {
            if (!r.isNullAt(0) && !r.isNullAt(1)) {
                last.put(r.getLong(0), r.getInt(1));
            }
        }
        return last;
    }

    /** Total rows of the transitions table. */
    public long transitionCount() {
        return transitions.count();
    }

    /**
     * Checks every value of every task (all splits) without caching anything: the first
     * problem is a one-line error naming the task, episode, step and column. For commands that
     * pass a dataset on without training on it ({@code collect} copies its source).
     */
    public void validateAll() {
        checkTables();
        int ds = manifest.observationDim();
        int da = manifest.actionDim();
        List<LoadedTask.TaskSummary> summaries = new ArrayList<>(transitions
                .select(Schema.TRANSITION_COLUMNS.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .repartition(col(Schema.TASK_ID))
                .javaRDD()
                .mapPartitions(rows -> build(rows, ds, da))
                .map(LoadedTask::summary)
                .collect());
        summaries.sort(Comparator.comparingLong(s -> s.taskId));
        for (LoadedTask.TaskSummary s : summaries) {
            if (s.problem != null) {
                throw new UserError("dataset " + location + "/" + Schema.TRANSITIONS + ": " + s.problem + fileOf(s.problem, s.taskId));
            }
        }
    }

    /**
     * Loads the tasks of {@code split} into an RDD partitioned by task id and cached in
     * executor memory, and validates every value; each task needs a run of at least
     * {@code minRun} consecutive transitions (M + K). {@code partitions} 0: one per task slot
     * (Spark's default parallelism over {@code spark.task.cpus}), which is what the task gang
     * needs to start: a long-lived task per partition, all at once.
     */
    /** The task slots of the session's executors: default parallelism over spark.task.cpus, at least 1. */
    private static int taskSlots(SparkSession spark) {
        int cpus = Math.max(1, spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
        return Math.max(1, spark.sparkContext().defaultParallelism() / cpus);
    }

    public LoadedSplit load(Split split, int minRun, int partitions) {
        long[] ids = taskIds(split);
        int parts = partitions > 0 ? partitions : taskSlots(spark);
        int ds = manifest.observationDim();
        int da = manifest.actionDim();
        Object[] boxed = Arrays.stream(ids).boxed().toArray();
        JavaRDD<LoadedTask> loaded = transitions
                .select(Schema.TRANSITION_COLUMNS.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .filter(col(Schema.TASK_ID).isin(boxed))
                .repartition(parts, col(Schema.TASK_ID))
                .javaRDD()
                .mapPartitions(rows -> build(rows, ds, da))
                .persist(StorageLevel.MEMORY_ONLY());
        loaded.setName("tasks:" + split.label());

        List<LoadedTask.TaskSummary> summaries = new ArrayList<>(loaded.map(LoadedTask::summary).collect());
        summaries.sort(Comparator.comparingLong(s -> s.taskId));
        Map<Long, LoadedTask.TaskSummary> byId = new HashMap<>();
        for (LoadedTask.TaskSummary s : summaries) {
            if (s.problem != null) {
                loaded.unpersist(false);
                throw new UserError("dataset " + location + "/" + Schema.TRANSITIONS + ": " + s.problem + fileOf(s.problem, s.taskId));
            }
            byId.put(s.taskId, s);
        }
        for (long id : ids) {
            LoadedTask.TaskSummary s = byId.get(id);
            if (s == null || s.rows == 0) {
                loaded.unpersist(false);
                throw new UserError("dataset " + location + ": task " + id + " (" + split.label() + ") has no transitions");
            }
            if (s.longestRun < minRun) {
                loaded.unpersist(false);
                throw new UserError("dataset " + location + ": task " + id + " (" + split.label() + ") is shorter than M+K = "
                        + minRun + " consecutive transitions (its longest episode run is " + s.longestRun
                        + "); lower adapt.past/adapt.future or generate longer episodes");
            }
        }
        return new LoadedSplit(split, ids, loaded.map(t -> t.transitions), loaded);
    }

    private String fileOf(String problem, long taskId) {
        try {
            List<Row> f = transitions.filter(col(Schema.TASK_ID).equalTo(taskId)).select(functions.input_file_name())
                    .limit(1).collectAsList();
            return f.isEmpty() ? "" : " (file " + new Path(f.get(0).getString(0)).getName() + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * Builds the tasks of one partition from its rows in any order, checking each value: rows
     * go straight into their task's columnar builder, each task is put in (episode, step)
     * order once complete, and tasks come out in id order. No Spark sort: its buffers (up to
     * the executor's execution memory) were the largest transient of a load. A task's problem
     * is the one of its smallest (episode, step), so the message does not depend on the order
     * in which the shuffle delivers the rows. (A row's value problems - a null, a wrong vector
     * length - come before the key and non-finite checks on the built task, as before.)
     */
    private static Iterator<LoadedTask> build(Iterator<Row> rows, int ds, int da) {
        java.util.TreeMap<Long, TaskRows> tasks = new java.util.TreeMap<>();
        float[] obs = new float[ds];
        float[] act = new float[da];
        float[] next = new float[ds];
        while (rows.hasNext()) {
            Row r = rows.next();
            long id = r.getLong(0);
            TaskRows task = tasks.computeIfAbsent(id, k -> new TaskRows(new TaskTransitions.Builder(k, ds, da, 1024)));
            String problem = null;
            for (int c = 1; c < 9; c++) {
                if (r.isNullAt(c)) {
                    problem = where(r) + ": " + Schema.TRANSITION_COLUMNS.get(c) + " is null";
                    break;
                }
            }
            if (problem == null) {
                problem = copy(r, 3, Schema.OBSERVATION, obs);
            }
            if (problem == null) {
                problem = copy(r, 4, Schema.ACTION, act);
            }
            if (problem == null) {
                problem = copy(r, 5, Schema.NEXT_OBSERVATION, next);
            }
            if (problem != null) {
                task.report(r.isNullAt(1) ? Long.MIN_VALUE : r.getInt(1), r.isNullAt(2) ? Long.MIN_VALUE : r.getInt(2), problem);
            } else if (task.problem == null) {
                task.builder.add(r.getInt(1), r.getInt(2), obs, act, next, r.getFloat(6), r.getBoolean(7), r.getBoolean(8));
            }
        }
        List<LoadedTask> out = new ArrayList<>(tasks.size());
        // Polled, so that each builder can be collected once its task is built.
        for (Map.Entry<Long, TaskRows> e = tasks.pollFirstEntry(); e != null; e = tasks.pollFirstEntry()) {
            out.add(finish(e.getKey(), e.getValue().builder, e.getValue().problem));
        }
        return out.iterator();
    }

    /** One task's rows while a partition is read, and its first problem by (episode, step). */
    private static final class TaskRows {
        final TaskTransitions.Builder builder;
        String problem;
        long problemEpisode;
        long problemStep;

        TaskRows(TaskTransitions.Builder builder) {
            this.builder = builder;
        }

        void report(long episode, long step, String what) {
            if (problem == null || episode < problemEpisode || episode == problemEpisode && step < problemStep
                    || episode == problemEpisode && step == problemStep && what.compareTo(problem) < 0) {
                problem = what;
                problemEpisode = episode;
                problemStep = step;
            }
        }
    }

    private static LoadedTask finish(long id, TaskTransitions.Builder builder, String problem) {
        if (problem != null) {
            return new LoadedTask(id, null, problem);
        }
        TaskTransitions t = builder.buildSorted();
        return new LoadedTask(id, t, t.firstKeyProblem().or(t::firstProblem).orElse(null));
    }

    private static String copy(Row r, int column, String name, float[] into) {
        List<Object> values = r.getList(column);
        if (values.size() != into.length) {
            return where(r) + ": " + name + " has " + values.size() + " values, expected " + into.length
                    + " (dataset.json dimensions)";
        }
        for (int i = 0; i < into.length; i++) {
            Object v = values.get(i);
            if (v == null) {
                return where(r) + ": " + name + "[" + i + "] is null";
            }
            into[i] = (Float) v;
        }
        return null;
    }

    private static String where(Row r) {
        return "task " + r.getLong(0) + " episode " + (r.isNullAt(1) ? "null" : r.getInt(1)) + " step "
                + (r.isNullAt(2) ? "null" : r.getInt(2));
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return s == null ? "" : nl < 0 ? s : s.substring(0, nl);
    }

    /** The cached tasks of one split. Call {@link #release()} when done. */
    public record LoadedSplit(Split split, long[] taskIds, JavaRDD<TaskTransitions> tasks, JavaRDD<LoadedTask> cached) {
        public void release() {
            cached.unpersist(false);
        }
    }
}
