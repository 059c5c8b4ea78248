package org.mbmrl.driver.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.TaskDistribution;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetGenerator;
import org.mbmrl.driver.train.MetaTrainer;

/**
 * The memory benchmark: a dataset of {@code tasks} x {@code transitions} of one family is
 * generated, loaded into executor memory and trained on for a few maml iterations, and the
 * peak resident set (Linux {@code VmHWM}) of the driver and of every executor JVM is set
 * against the size of the data: its in-memory columnar arrays (what the executors cache)
 * and its Parquet files. The bound the design promises is the data's size plus a constant,
 * not a multiple of it: an executor's peak at most the data it caches plus 1 GiB.
 *
 * <p>The peaks are reset after the data is generated (the generator runs in the same JVMs),
 * so they are those of loading and training. On {@code local[*]} the driver is the executor
 * (one JVM). On {@code local-cluster[...]}
 * or a standalone cluster on this machine the executors are separate JVMs, found by their
 * command line ({@code CoarseGrainedExecutorBackend --app-id APP}).
 */
public final class MemoryBenchmark {
    private static final long GIB = 1L << 30;
    private static final int STEPS = 100;

    private MemoryBenchmark() {}

    /** One executor JVM's peak. */
    public record ExecutorPeak(String executorId, long pid, long peakBytes) {}

    /** What one run measured. */
    public record Figures(String family, String master, int tasks, int transitionsPerTask, long transitions, long dataBytes,
            long parquetBytes, long driverBaselineBytes, long driverPeakBytes, List<ExecutorPeak> executors) {

        /** The in-memory data an executor caches, assuming the tasks spread evenly. */
        public long dataPerExecutor() {
            return executors.isEmpty() ? dataBytes : dataBytes / executors.size();
        }

        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "memory: %s, %d tasks x %d transitions = %d transitions on %s%n", family, tasks,
                    transitionsPerTask, transitions, master));
            b.append(String.format(Locale.ROOT, "  %-44s %10.1f MiB%n", "data in memory (columnar arrays)", mib(dataBytes)));
            b.append(String.format(Locale.ROOT, "  %-44s %10.1f MiB%n", "data as Parquet (snappy)", mib(parquetBytes)));
            b.append(String.format(Locale.ROOT, "  %-44s %10.1f MiB%n", "driver resident before loading the data",
                    mib(driverBaselineBytes)));
            if (executors.isEmpty()) {
                b.append(String.format(Locale.ROOT, "  %-44s %10.1f MiB  (%.2f x data, data + %.0f MiB)%n",
                        "driver = executor peak resident (VmHWM)", mib(driverPeakBytes), driverPeakBytes / (double) dataBytes,
                        mib(driverPeakBytes - dataBytes)));
            } else {
                b.append(String.format(Locale.ROOT, "  %-44s %10.1f MiB  (holds no data; %.0f MiB over its baseline)%n",
                        "driver peak resident (VmHWM)", mib(driverPeakBytes), mib(driverPeakBytes - driverBaselineBytes)));
            }
            for (ExecutorPeak e : executors) {
                long share = dataPerExecutor();
                b.append(String.format(Locale.ROOT, "  %-44s %10.1f MiB  (caches ~%.1f MiB: data + %.0f MiB; bound data + 1 GiB: %s)%n",
                        "executor " + e.executorId() + " (pid " + e.pid() + ") peak resident", mib(e.peakBytes()), mib(share),
                        mib(e.peakBytes() - share), e.peakBytes() <= share + GIB ? "met" : "NOT met"));
            }
            if (executors.isEmpty()) {
                b.append(String.format(Locale.ROOT, "  %-44s %s%n", "bound (driver = executor): data + 1 GiB",
                        driverPeakBytes <= dataBytes + GIB ? "met" : "NOT met"));
            }
            return b.toString();
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /**
     * Generates the dataset under {@code scratch} (deleted afterwards), trains three maml
     * iterations on it (meta-batch 20, the default model) and reads the peaks.
     */
    public static Figures run(SparkSession spark, String familyName, int tasks, int transitionsPerTask, Path scratch,
            PrintStream out) {
        return run(spark, familyName, tasks, transitionsPerTask, null, scratch, out);
    }

    /**
     * As above, on the existing dataset {@code dataset} when it is not null (generated
     * beforehand, in another process: then this JVM's peak is loading and training alone);
     * its train tasks are the tasks, and the family and sizes are read from it.
     */
    public static Figures run(SparkSession spark, String familyName, int tasks, int transitionsPerTask, String dataset,
            Path scratch, PrintStream out) {
        if (dataset != null) {
            org.mbmrl.driver.data.DatasetManifest m = org.mbmrl.driver.data.DatasetReader.open(spark, dataset).manifest();
            familyName = m.family();
            tasks = m.trainTasks();
            transitionsPerTask = m.episodesPerTask() * m.stepsPerEpisode();
        }
        if (tasks < 1 || transitionsPerTask < 1) {
            throw new IllegalArgumentException("--memory-tasks and --memory-transitions must be >= 1; got " + tasks + " and "
                    + transitionsPerTask);
        }
        TaskFamily family = TaskFamilies.byName(familyName);
        int steps = Math.min(STEPS, transitionsPerTask);
        if (transitionsPerTask % steps != 0) {
            throw new IllegalArgumentException("--memory-transitions must be a multiple of " + STEPS + " (episodes of " + STEPS
                    + " steps); got " + transitionsPerTask);
        }
        int episodes = transitionsPerTask / steps;
        Path dir = Scratch.create(scratch, "mbmrl-memory-");
        try {
            String data = dataset != null ? dataset : dir.resolve("data").toString();
            if (dataset == null) {
                DatasetGenerator.generate(spark, data, new TaskDistribution(familyName, tasks, 0, 0, 1), episodes, steps, out);
            }
            long parquet = sizeOf(Path.of(org.mbmrl.driver.checkpoint.Files.path(data).toUri().getPath()));
            long transitions = (long) tasks * transitionsPerTask;
            // Generating ran in these JVMs too: start the peaks afresh (Linux: clear_refs 5).
            System.gc();
            resetPeak("self");
            for (ExecutorPeak e : executorPeaks(spark.sparkContext().applicationId())) {
                resetPeak(Long.toString(e.pid()));
            }
            long baseline = status("self", "VmRSS");
            RunConfig config = ConfigLoader.load(null, List.of("algorithm=maml", "dataset=" + data,
                    "run_dir=" + dir.resolve("run"), "train.iterations=3", "train.meta_batch=20", "train.checkpoint_every=3"));
            MetaTrainer.train(spark, config, false, out);
            // Read while the executors live: their peaks end with the application.
            List<ExecutorPeak> executors = executorPeaks(spark.sparkContext().applicationId());
            return new Figures(familyName, spark.sparkContext().master(), tasks, transitionsPerTask, transitions,
                    transitions * bytesPerTransition(family.observationDim(), family.actionDim()), parquet, baseline,
                    status("self", "VmHWM"), executors);
        } finally {
            Scratch.delete(dir);
        }
    }

    /**
     * The bytes of one transition in an executor's cache ({@code TaskTransitions}): observation,
     * next observation, action and reward as float32, episode and step as int32, two flags.
     */
    static long bytesPerTransition(int observationDim, int actionDim) {
        return 4L * (2L * observationDim + actionDim + 1) + 2 * 4 + 2;
    }

    /** The executors of application {@code appId} running on this machine, and their peaks. */
    static List<ExecutorPeak> executorPeaks(String appId) {
        List<ExecutorPeak> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs.filter(q -> q.getFileName().toString().matches("\\d+")).sorted()::iterator) {
                List<String> argv = commandLine(p);
                int app = argv.indexOf("--app-id");
                int id = argv.indexOf("--executor-id");
                if (argv.stream().anyMatch(a -> a.endsWith("CoarseGrainedExecutorBackend")) && app >= 0 && app + 1 < argv.size()
                        && argv.get(app + 1).equals(appId) && id >= 0 && id + 1 < argv.size()) {
                    long pid = Long.parseLong(p.getFileName().toString());
                    out.add(new ExecutorPeak(argv.get(id + 1), pid, status(Long.toString(pid), "VmHWM")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc (the memory benchmark reads Linux's VmHWM)", e);
        }
        return out;
    }

    private static List<String> commandLine(Path proc) {
        try {
            String raw = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            return List.of(raw.split("\u0000"));
        } catch (IOException | SecurityException e) {
            return List.of(); // the process ended or is not ours to read
        }
    }

    /** Resets a process's peak resident set to its current one (Linux >= 4.0). */
    private static void resetPeak(String pid) {
        try {
            Files.writeString(Path.of("/proc", pid, "clear_refs"), "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the peak resident set of process " + pid, e);
        }
    }

    /** A {@code /proc/PID/status} field in bytes (its values are in kB). */
    static long status(String pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(field + ":")) {
                    return 1024L * Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
            throw new IllegalStateException("/proc/" + pid + "/status has no " + field);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/status (the memory benchmark needs Linux)", e);
        }
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
