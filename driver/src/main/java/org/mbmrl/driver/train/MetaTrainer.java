package org.mbmrl.driver.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.MemoryBudget;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.progress.Progress;
import org.mbmrl.driver.checkpoint.Checkpoint;
import org.mbmrl.driver.checkpoint.CheckpointManifest;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.checkpoint.RunLock;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.mbmrl.workers.algorithms.TaskStateTable;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * {@code mbmrl train}: the outer loop of meta-training on Spark (docs/architecture.md).
 * Each iteration the driver samples a meta-batch of task ids, broadcasts theta, the
 * executors compute each sampled task's contribution where its data is cached, a
 * {@code treeAggregate} sums them exactly (order-independent, see {@link ExactSum}), and the
 * driver applies the outer update (the algorithm's: Adam, or Reptile's interpolation) and
 * stores each sampled task's new per-task state row (FAMLE's embedding, VI's q(z_i)) in task-id
 * order.
 * Metrics go to Parquet and the console; checkpoints are written every
 * {@code train.checkpoint_every} iterations and at the end, and {@code --resume} continues
 * from the newest intact one bit for bit (a corrupt newest checkpoint is set aside and the
 * previous one used). {@link Mode} adds what scheduled training needs: continue the run if
 * it exists, train a number of further iterations, stop within a time budget.
 */
public final class MetaTrainer {
    /** Config keys that may change on {@code --resume} (training longer is allowed). */
    public static final List<String> RESUMABLE_KEYS = List.of("train.iterations", "train.gang");
    /** How long a new {@link TaskGang} may take until every partition's task has connected. */
    static final java.time.Duration GANG_CONNECT = java.time.Duration.ofSeconds(20);

    private MetaTrainer() {}

    /** The outcome of a {@code train} command. */
    public record Result(String runDir, int iteration, float[] theta, String checkpoint) {}

    /**
     * How a train command treats the run directory and when it stops.
     *
     * @param resume continue the run from its newest intact checkpoint (it must have one)
     * @param continueIfExists resume when the run has a checkpoint, else start it (scheduled runs)
     * @param moreIterations when positive, train this many iterations past the starting point
     *     instead of up to {@code train.iterations}
     * @param timeBudget when not null, stop (with a checkpoint) before an iteration that would
     *     likely end after this much wall time; each iteration is still bit for bit the same
     */
    public record Mode(boolean resume, boolean continueIfExists, int moreIterations, java.time.Duration timeBudget) {
        public Mode {
            if (moreIterations < 0) {
                throw new IllegalArgumentException("moreIterations must be >= 0 (0: up to train.iterations); got "
                        + moreIterations);
            }
            if (timeBudget != null && (timeBudget.isNegative() || timeBudget.isZero())) {
                throw new IllegalArgumentException("--time-budget must be positive; got " + timeBudget);
            }
        }

        public static Mode of(boolean resume) {
            return new Mode(resume, false, 0, null);
        }
    }

    public static Result train(SparkSession spark, RunConfig config, boolean resume, PrintStream out) {
        return train(spark, config, Mode.of(resume), out);
    }

    /**
     * One stage of an iterative run ({@code train.rounds} > 1, see {@link IterativeTrainer}):
     * train on the dataset version {@code dataset} of round {@code round} (0: the config's own
     * dataset) up to iteration {@code until}. Resuming from the checkpoint that ended round
     * {@code round - 1} switches to the new data: its dataset must have been collected from the
     * data that checkpoint was trained on (provenance fingerprint), and the checkpoint must be
     * the one that ended that round, at iteration {@code start}.
     */
    public record Stage(int round, String dataset, int start, int until) {}

    public static Result train(SparkSession spark, RunConfig config, Mode mode, PrintStream out) {
        return train(spark, config, mode, null, out);
    }

    /** Trains one stage of an iterative run; {@code stage} null = the whole run on the config's dataset. */
    public static Result train(SparkSession spark, RunConfig config, Mode mode, Stage stage, PrintStream out) {
        Path runDir = Files.path(config.runDir());
        // Run-directory files carry no Hadoop .crc side files (checkpoints have their own sha256).
        FileSystem fs = Files.rawFs(runDir, spark.sparkContext().hadoopConfiguration());
        CheckpointStore store = new CheckpointStore(runDir, spark.sparkContext().hadoopConfiguration());

        // 1. Everything the caller gave is checked before anything is written.
        try {
            if (fs.exists(runDir) && !fs.getFileStatus(runDir).isDirectory()) {
                throw new UserError("run_dir " + config.runDir() + " is a file, not a directory");
            }
        } catch (IOException e) {
            throw new UserError("run_dir " + config.runDir() + " cannot be read: " + e.getMessage());
        }
        Checkpoint from = null;
        List<String> corrupt = new ArrayList<>();
        String latest = store.latestName();
        boolean resume = mode.resume() || (mode.continueIfExists() && latest != null);
        if (resume) {
            if (latest == null) {
                throw new UserError("--resume: run_dir " + config.runDir() + " has no checkpoint to resume from");
            }
            from = newestIntact(store, corrupt, out);
            latest = from.name();
            if (mode.moreIterations() > 0) {
                config = config.withTrainIterations(from.iteration() + mode.moreIterations());
            }
            // Compared with the saved config completed by today's defaults (keys added since it was saved).
            String diff = ConfigLoader.firstDifference(CheckpointManifest.config(from.manifest(), latest).tree(),
                    config.tree(), "", RESUMABLE_KEYS);
            if (diff != null) {
                throw new UserError("--resume: the config differs from checkpoint " + latest + " at " + diff
                        + " (checkpoint vs now); only " + RESUMABLE_KEYS + " may change");
            }
        } else if (latest != null) {
            throw new UserError("run_dir " + config.runDir() + " already has checkpoints (newest " + latest
                    + "); pass --resume (or --continue) to continue it, or choose another run_dir");
        } else if (mode.moreIterations() > 0) {
            config = config.withTrainIterations(mode.moreIterations());
        }
        int round = stage == null ? 0 : stage.round();
        String datasetLocation = stage == null ? config.dataset() : stage.dataset();
        if (Files.isInside(runDir, Files.path(datasetLocation))) {
            throw new UserError("run_dir " + config.runDir() + " lies inside dataset " + datasetLocation
                    + " (a run may not write into the data it trains on); choose a run_dir outside it");
        }
        DatasetReader data = DatasetReader.open(spark, datasetLocation);
        MemoryBudget.checkModel("model.hidden " + config.model().hidden(),
                config.modelSpec(data.manifest().observationDim(), data.manifest().actionDim()).parameterCount());
        if (from != null) {
            checkResumedData(from, stage, data);
        }
        DatasetReader.LoadedSplit train = data.load(Split.TRAIN, config.adapt().segmentLength(), config.train().partitions());
        MetaBatchSampler sampler;
        try {
            sampler = new MetaBatchSampler(train.taskIds(), config.train().metaBatch(), config.seed());
        } catch (IllegalArgumentException e) {
            train.release();
            throw new UserError("config: " + e.getMessage());
        }

        // 2. From here on this run writes run_dir: hold its lock (refused while another run holds it).
        RunLock lock;
        try {
            lock = RunLock.acquire(fs, runDir);
        } catch (RuntimeException e) {
            train.release();
            throw e;
        }
        try {
            // 3. Model, normalizer, theta, optimizer and per-task state: fresh, or exactly as checkpointed.
            Algorithm algorithm = config.algorithm();
            Normalizer norm = from != null ? CheckpointManifest.normalizer(from.manifest()) : fitNormalizer(train.tasks());
            ModelSpec spec = config.modelSpec(data.manifest().observationDim(), data.manifest().actionDim());
            long initSeed = Seeds.derive(config.seed(), Seeds.STREAM_INIT);
            float[] theta = from != null ? from.floatVector("theta", spec.parameterCount(), "the config's model")
                    : spec.create(DataType.FLOAT).initialParameters(initSeed).toFloatVector();
            TaskStateTable state = from != null && algorithm.taskStateWidth() > 0
                    ? CheckpointManifest.taskState(from, algorithm.taskStateWidth())
                    : initialTaskState(algorithm, train.taskIds(), Seeds.derive(config.seed(), Seeds.STREAM_TASK_STATE));
            if (!java.util.Arrays.equals(state.taskIds(), sortedIds(train.taskIds())) && state.width() > 0) {
                throw new UserError("checkpoint " + latest + ": its task state covers " + state.size() + " training tasks, not"
                        + " the " + train.taskIds().length + " train tasks of " + datasetLocation);
            }
            OuterOptimizer optimizer = algorithm.outerOptimizer(theta.length);
            if (from != null) {
                optimizer.restore(from.arrays(), from.manifest().path("optimizer").path("steps").asLong());
                setAside(fs, store, corrupt, out);
                dropMetricsAfter(fs, runDir, from.iteration());
            } else {
                writeConfig(fs, runDir, config);
            }

            // 4. The outer loop.
            TaskStep step = new TaskStep(config, spec, norm);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int total = stage == null ? config.train().iterations() : stage.until();
            int start = from == null ? 0 : from.iteration();
            String lastCheckpoint = from == null ? null : from.name();
            List<String> metricNames = algorithm.metricNames();
            String label = algorithm.name();
            List<Row> metrics = new ArrayList<>();
            out.printf("[%s] %straining %d -> %d iterations on %d tasks (meta-batch %d, %d parameters%s) in %s%n", label,
                    stage == null ? "" : "round " + round + " of " + config.train().rounds() + " (" + datasetLocation + "): ",
                    start, total, train.taskIds().length, config.train().metaBatch(), theta.length,
                    state.width() == 0 ? "" : ", " + state.width() + " state numbers per task", config.runDir());
            long renewed = System.currentTimeMillis();
            long begun = System.nanoTime();
            Gang gang = new Gang(jsc, train.tasks(), step, config.train().gang(), label);
            try (gang; Progress progress = Progress.start(label, total - start, "it", out)) {
                for (int it = start + 1; it <= total; it++) {
                    if (System.currentTimeMillis() - renewed > RunLock.LEASE_MILLIS / 4) {
                        lock.renew();
                        renewed = System.currentTimeMillis();
                    }
                    long t0 = System.nanoTime();
                    long[] batch = sampler.batch(it);
                    float[] rows = state.rowsOf(batch);
                    IterationSum result = gang.iterate(it, batch, rows, state.width(), theta, progress);
                    if (result == null) {
                        result = iterationByJob(jsc, train.tasks(), batch, rows, state.width(), theta, step, it);
                    }
                    ExactSum sum = result.sum();
                    if (sum.count() != batch.length || (state.width() > 0 && result.rows().size() != batch.length)) {
                        throw new IllegalStateException("iteration " + it + ": " + sum.count() + " contributions and "
                                + result.rows().size() + " state rows for " + batch.length + " sampled tasks");
                    }
                    double[] mean = sum.mean();
                    optimizer.apply(theta, mean);
                    result.rows().forEach(state::set); // task-id order
                    double[] named = java.util.Arrays.copyOfRange(mean, theta.length, mean.length);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    java.util.Map<String, Double> byName = new java.util.LinkedHashMap<>();
                    StringBuilder line = new StringBuilder();
                    for (int k = 0; k < named.length; k++) {
                        byName.put(metricNames.get(k), named[k]);
                        line.append(String.format(java.util.Locale.ROOT, "  %s %.4f",
                                metricNames.get(k).replace("_loss", ""), named[k]));
                    }
                    metrics.add(RowFactory.create(it, label, named[0], named[1], batch.length, seconds, batch.length / seconds,
                            byName));
                    progress.detail(String.format(java.util.Locale.ROOT, "[%s] iter %d/%d %s  %.1f tasks/s  %.3f s", label, it,
                            total, line.toString().replace("  pre ", " loss pre "), batch.length / seconds, seconds));
                    progress.status(line.toString().strip().replace("  ", ", "));
                    progress.step(1);
                    boolean outOfTime = false;
                    if (mode.timeBudget() != null && it < total) {
                        long elapsed = System.nanoTime() - begun;
                        long perIteration = elapsed / (it - start);
                        outOfTime = elapsed + perIteration > mode.timeBudget().toNanos();
                    }
                    if (it % config.train().checkpointEvery() == 0 || it == total || outOfTime) {
                        gang.pause(); // its tasks hold the slots the metrics job needs
                        writeMetrics(spark, runDir, it, metrics);
                        metrics.clear();
                        Map<String, INDArray> arrays = new HashMap<>(optimizer.state());
                        arrays.put("theta", Nd4j.create(theta, new long[] {theta.length}, DataType.FLOAT));
                        arrays.putAll(CheckpointManifest.taskStateArrays(state));
                        Path written = store.write(it, CheckpointManifest.build(config, spec, norm, optimizer, state, initSeed,
                                data.uri(), data.fingerprint(), round), arrays);
                        lastCheckpoint = written.getName();
                        progress.line("[" + label + "] checkpoint " + written);
                    }
                    if (outOfTime) {
                        progress.line("[" + label + "] time budget " + mode.timeBudget() + " reached after iteration " + it
                                + " of " + total + "; continue with --continue");
                        return new Result(config.runDir(), it, theta, lastCheckpoint);
                    }
                }
            }
            return new Result(config.runDir(), Math.max(start, total), theta, lastCheckpoint);
        } finally {
            lock.close();
            train.release();
        }
    }

    /**
     * The trainer's {@link TaskGang}: started on first use and after each pause, closed for
     * the rest of the run (one Spark job per iteration from then on) after a failure or when
     * it cannot start; {@code iterate} returns null when there is no gang to serve the iteration.
     */
    private static final class Gang implements AutoCloseable {
        private final JavaSparkContext jsc;
        private final JavaRDD<TaskTransitions> tasks;
        private final TaskStep step;
        private final String label;
        private boolean enabled;
        private TaskGang gang;

        Gang(JavaSparkContext jsc, JavaRDD<TaskTransitions> tasks, TaskStep step, boolean enabled, String label) {
            this.jsc = jsc;
            this.tasks = tasks;
            this.step = step;
            this.label = label;
            this.enabled = enabled;
        }

        IterationSum iterate(int it, long[] batch, float[] rows, int width, float[] theta, Progress progress) {
            if (!enabled) {
                return null;
            }
            try {
                if (gang == null) {
                    gang = TaskGang.start(jsc, tasks, step, GANG_CONNECT);
                }
                return gang.iterate(it, batch, rows, width, theta);
            } catch (TaskGang.Failure e) {
                enabled = false;
                gang = null;
                progress.line("[" + label + "] executor gang ended (" + e.getMessage() + "); iteration " + it
                        + " onwards: one Spark job per iteration");
                return null;
            }
        }

        void pause() {
            if (gang != null) {
                gang.close();
                gang = null;
            }
        }

        @Override
        public void close() {
            pause();
        }
    }

    /** Each training task's first state row, from {@code seed}. */
    static TaskStateTable initialTaskState(Algorithm algorithm, long[] taskIds, long seed) {
        TaskStateTable state = new TaskStateTable(taskIds, algorithm.taskStateWidth());
        if (state.width() > 0) {
            for (long id : state.taskIds()) {
                state.set(id, algorithm.initialTaskState(id, seed));
            }
        }
        return state;
    }

    private static long[] sortedIds(long[] ids) {
        long[] s = ids.clone();
        java.util.Arrays.sort(s);
        return s;
    }

    /**
     * A resumed run trains on the data its checkpoint was trained on (same fingerprint), or,
     * at the start of the next round of an iterative run, on a dataset version collected from it.
     */
    private static void checkResumedData(Checkpoint from, Stage stage, DatasetReader data) {
        int round = stage == null ? 0 : stage.round();
        int fromRound = CheckpointManifest.round(from.manifest());
        String fingerprint = CheckpointManifest.datasetFingerprint(from.manifest());
        if (fromRound == round) {
            if (!data.fingerprint().equals(fingerprint)) {
                throw new UserError("--resume: dataset " + data.location() + " is not the one checkpoint " + from.name()
                        + " was trained on (fingerprint differs)");
            }
        } else if (fromRound == round - 1) {
            String source = data.manifest().provenance() == null ? ""
                    : data.manifest().provenance().path("source").path("fingerprint").asText();
            if (!source.equals(fingerprint)) {
                throw new UserError("round " + round + ": dataset " + data.location() + " was not collected from the data"
                        + " checkpoint " + from.name() + " was trained on (provenance source fingerprint differs)");
            }
            if (from.iteration() != stage.start()) {
                throw new UserError("round " + round + ": checkpoint " + from.name() + " did not end round " + fromRound
                        + " (that ends at iteration " + stage.start() + ")");
            }
        } else {
            throw new UserError("checkpoint " + from.name() + " was trained in round " + fromRound + "; it cannot continue"
                    + " as round " + round);
        }
    }

    /**
     * One outer iteration as one Spark job (the path without the task gang): theta broadcast,
     * the exact sum of the sampled tasks' contributions and their new state rows computed on the
     * executors where the tasks are cached, the broadcast destroyed; {@code rows} holds the
     * sampled tasks' current rows ({@code width} numbers each, in {@code batch} order) and
     * travels in the job's closure.
     */
    public static IterationSum iterationByJob(JavaSparkContext jsc, JavaRDD<TaskTransitions> tasks, long[] batch,
            float[] rows, int width, float[] theta, TaskStep step, int iteration) {
        Broadcast<float[]> shared = jsc.broadcast(theta);
        IterationSum sum;
        try {
            sum = aggregate(tasks, batch, rows, width, shared, step, iteration);
        } catch (RuntimeException | Error e) {
            try {
                shared.destroy();
            } catch (RuntimeException destroyFailed) {
                e.addSuppressed(destroyFailed); // the job's own failure is the one to report
            }
            throw e;
        }
        shared.destroy();
        return sum;
    }

    private static IterationSum aggregate(JavaRDD<TaskTransitions> tasks, long[] batch, float[] rows, int width,
            Broadcast<float[]> theta, TaskStep step, int iteration) {
        return tasks.mapPartitions(partition -> {
                    List<TaskTransitions> local = new ArrayList<>();
                    partition.forEachRemaining(t -> {
                        if (Arrays.binarySearch(batch, t.taskId()) >= 0) {
                            local.add(t);
                        }
                    });
                    return List.of(step.contributeAll(new IterationSum(), theta.value(), local, batch, rows, width,
                            iteration)).iterator();
                })
                .treeReduce(IterationSum::merge, 2);
    }

    /**
     * The newest checkpoint whose files match their sha256; each newer one that does not is
     * reported in one line and added to {@code corrupt}.
     */
    static Checkpoint newestIntact(CheckpointStore store, List<String> corrupt, PrintStream out) {
        List<String> names = store.list();
        String firstProblem = null;
        for (int i = names.size() - 1; i >= 0; i--) {
            try {
                return store.read(names.get(i));
            } catch (UserError e) {
                firstProblem = firstProblem == null ? e.getMessage() : firstProblem;
                corrupt.add(names.get(i));
                out.println("warning: " + e.getMessage() + "; resuming from the previous checkpoint instead");
            }
        }
        throw new UserError("--resume: no intact checkpoint in " + store.directory()
                + (firstProblem == null ? "" : "; the newest: " + firstProblem));
    }

    /** Renames corrupt checkpoints to {@code iter-N.corrupt[-k]}: kept for inspection, never read again. */
    private static void setAside(FileSystem fs, CheckpointStore store, List<String> corrupt, PrintStream out) {
        try {
            for (String name : corrupt) {
                Path target = new Path(store.directory(), name + ".corrupt");
                for (int k = 1; fs.exists(target); k++) {
                    target = new Path(store.directory(), name + ".corrupt-" + k);
                }
                if (!fs.rename(new Path(store.directory(), name), target)) {
                    throw new IOException("cannot rename " + name + " to " + target.getName());
                }
                out.println("warning: set corrupt checkpoint aside as " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set corrupt checkpoints aside in " + store.directory(), e);
        }
    }

    /** Removes metrics of iterations after {@code iteration}: a resumed run writes them again. */
    private static void dropMetricsAfter(FileSystem fs, Path runDir, int iteration) {
        Path metrics = new Path(runDir, "metrics");
        try {
            if (!fs.exists(metrics)) {
                return;
            }
            for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(metrics)) {
                String n = s.getPath().getName();
                if (n.startsWith("upto=") && Integer.parseInt(n.substring(5)) > iteration) {
                    fs.delete(s.getPath(), true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tidy " + metrics, e);
        }
    }

    /** Fits the normalizer on every training transition; per-task sums are combined in task-id order. */
    public static Normalizer fitNormalizer(JavaRDD<TaskTransitions> tasks) {
        List<Tuple2<Long, Normalizer.Statistics>> stats = new ArrayList<>(
                tasks.map(t -> new Tuple2<>(t.taskId(), Normalizer.Statistics.of(t))).collect());
        stats.sort(Comparator.comparingLong(Tuple2::_1));
        Normalizer.Statistics all = null;
        for (Tuple2<Long, Normalizer.Statistics> s : stats) {
            all = all == null ? s._2() : all.merge(s._2());
        }
        return all.toNormalizer();
    }

    private static void writeConfig(FileSystem fs, Path runDir, RunConfig config) {
        try {
            fs.mkdirs(runDir);
            Files.writeAtomically(fs, new Path(runDir, "config.yaml"),
                    ConfigLoader.toYaml(config.tree()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + runDir + "/config.yaml", e);
        }
    }

    /** Metrics table columns: pre/post loss for every algorithm, and all of the algorithm's named metrics. */
    public static final StructType METRICS_SCHEMA = new StructType()
            .add("iteration", DataTypes.IntegerType, false)
            .add("algorithm", DataTypes.StringType, false)
            .add("pre_loss", DataTypes.DoubleType, false)
            .add("post_loss", DataTypes.DoubleType, false)
            .add("tasks", DataTypes.IntegerType, false)
            .add("wall_seconds", DataTypes.DoubleType, false)
            .add("tasks_per_second", DataTypes.DoubleType, false)
            .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), false);

    /** Writes the iterations since the last checkpoint as {@code metrics/upto=NNNNNN/} (replaced on a re-run). */
    private static void writeMetrics(SparkSession spark, Path runDir, int upTo, List<Row> rows) {
        String dir = new Path(new Path(runDir, "metrics"), String.format("upto=%06d", upTo)).toString();
        spark.createDataFrame(rows, METRICS_SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir);
    }
}
