package org.mbmrl.driver.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.Schema;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.CheckpointManifest;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.checkpoint.RunLock;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.control.Collector;
import org.mbmrl.driver.control.ControlSource;

/**
 * {@code mbmrl train} with {@code train.rounds} R > 1: GrBAL's algorithm 1 (survey IV-A),
 * alternating meta-training and on-policy data collection with the adaptive MPC. Round 0
 * trains on the config's dataset up to iteration {@code floor(T / R)}; before round K >= 1,
 * the checkpoint that ended round K-1 collects {@code collect.episodes} episodes on
 * {@code collect.tasks} train tasks into the dataset version {@code RUN/data/round-K/} (the
 * previous version's transitions plus the new ones, see {@link Collector}), and round K
 * continues training (same theta, optimizer state and normalizer) on it up to iteration
 * {@code floor((K+1) T / R)}. Each checkpoint records the round and the dataset version it
 * was trained on. With R = 1 this is {@link MetaTrainer#train} unchanged.
 *
 * <p>{@code --resume} / {@code --continue} pick up where the newest checkpoint left off: in
 * its round, or, if it ended a round, with the next round's collection (an existing complete
 * {@code round-K/} is reused; a half-written one was never renamed into place).
 * {@code --more-iterations} and {@code --time-budget} are refused with rounds.
 */
public final class IterativeTrainer {
    private IterativeTrainer() {}

    /** {@code RUN/data/round-K}: the dataset version round K trains on. */
    public static Path roundDirectory(Path runDir, int round) {
        return new Path(new Path(runDir, "data"), "round-" + round);
    }

    /** The last iteration of round {@code round} (0-based) of {@code config}. */
    public static int until(RunConfig config, int round) {
        return (int) ((long) (round + 1) * config.train().iterations() / config.train().rounds());
    }

    public static MetaTrainer.Result train(SparkSession spark, RunConfig config, MetaTrainer.Mode mode, PrintStream out) {
        int rounds = config.train().rounds();
        if (rounds == 1) {
            return MetaTrainer.train(spark, config, mode, out);
        }
        if (mode.moreIterations() > 0 || mode.timeBudget() != null) {
            throw new UserError("train.rounds = " + rounds + ": --more-iterations and --time-budget are not supported with"
                    + " rounds; train.iterations is split across the rounds (--resume continues an interrupted run)");
        }
        org.mbmrl.driver.data.DatasetReader data = org.mbmrl.driver.data.DatasetReader.open(spark, config.dataset());
        if (data.manifest().isExternal()) {
            throw new UserError("train.rounds = " + rounds + ": dataset " + data.location() + " has family "
                    + org.mbmrl.driver.data.DatasetManifest.EXTERNAL + " (imported data): there is no simulator to collect"
                    + " on-policy episodes with; use train.rounds = 1");
        }
        Path runDir = Files.path(config.runDir());
        FileSystem fs = Files.rawFs(runDir, spark.sparkContext().hadoopConfiguration());
        CheckpointStore store = new CheckpointStore(runDir, spark.sparkContext().hadoopConfiguration());
        String latest = store.latestName();
        boolean resume = mode.resume() || (mode.continueIfExists() && latest != null);
        int startRound = 0;
        if (resume && latest != null) {
            startRound = CheckpointManifest.round(CheckpointStore.readManifest(fs, new Path(store.directory(), latest)));
            if (startRound >= rounds) {
                throw new UserError("--resume: checkpoint " + latest + " was trained in round " + startRound
                        + " but train.rounds is " + rounds);
            }
        }
        MetaTrainer.Result result = null;
        for (int r = startRound; r < rounds; r++) {
            String dataset = r == 0 ? config.dataset() : roundDirectory(runDir, r).toString();
            if (r > 0 && !exists(fs, new Path(roundDirectory(runDir, r), Schema.MANIFEST))) {
                collect(spark, config, runDir, fs, r, out);
            } else if (r > 0) {
                out.printf("round %d: reusing dataset version %s%n", r, dataset);
            }
            MetaTrainer.Mode m = r == startRound ? mode : MetaTrainer.Mode.of(true);
            int start = r == 0 ? 0 : until(config, r - 1);
            result = MetaTrainer.train(spark, config, m, new MetaTrainer.Stage(r, dataset, start, until(config, r)), out);
        }
        return result;
    }

    /** Collects round {@code round}'s data with the checkpoint that ended the previous round, holding the run's lock. */
    private static void collect(SparkSession spark, RunConfig config, Path runDir, FileSystem fs, int round,
            PrintStream out) {
        ControlSource source = ControlSource.open(spark, runDir.toString(), null, null, false, List.of());
        int expected = until(config, round - 1);
        if (source.round() != round - 1 || source.checkpoint.iteration() != expected) {
            throw new UserError("round " + round + ": the newest checkpoint " + source.checkpoint.name() + " (round "
                    + source.round() + ") did not end round " + (round - 1) + " (iteration " + expected + ")");
        }
        // The lease is renewed while the episodes run (a collection can outlast it).
        try (RunLock lock = RunLock.acquire(fs, runDir)) {
            java.util.concurrent.ScheduledExecutorService renewer = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "mbmrl-lock-renewer");
                        t.setDaemon(true);
                        return t;
                    });
            long period = RunLock.LEASE_MILLIS / 4;
            renewer.scheduleAtFixedRate(lock::renew, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                Collector.collect(spark, source, roundDirectory(runDir, round).toString(), round, out);
            } finally {
                renewer.shutdown(); // a renewal under way finishes before the lock is released
                try {
                    renewer.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
