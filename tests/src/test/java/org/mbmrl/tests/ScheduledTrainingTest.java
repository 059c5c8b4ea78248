package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What scheduled training relies on: a corrupt newest checkpoint (truncated or one byte
 * flipped) is detected by sha256, reported in one line, set aside, and the run continues from
 * the previous good one to the same bytes; {@code --continue} starts or continues a run;
 * {@code --more-iterations} and {@code --time-budget} bound one scheduled run.
 */
class ScheduledTrainingTest {

    private static SharedSpark.Run train(Path run, int iterations, String... flags) {
        List<String> args = new ArrayList<>(Fixtures.trainArgs("maml", run, iterations));
        args.addAll(List.of(flags));
        return SharedSpark.cli(args.toArray(String[]::new));
    }

    private static List<String> warnings(SharedSpark.Run r) {
        return r.out().lines().filter(l -> l.startsWith("warning:")).toList();
    }

    @Test
    void aCorruptNewestCheckpointIsSetAsideAndTheRunContinuesFromThePreviousOne() throws IOException {
        SharedSpark.local2();
        Path reference = Fixtures.scratch("sched-reference");
        assertEquals(0, train(reference, 9).exitCode());

        Path run = Fixtures.scratch("sched-corrupt");
        assertEquals(0, train(run, 6).exitCode());
        flipLastByte(run.resolve("checkpoints/iter-000006/theta.npy"));
        SharedSpark.Run r = train(run, 9, "--resume");
        assertEquals(0, r.exitCode(), r.err());
        List<String> w = warnings(r);
        assertTrue(w.get(0).contains("iter-000006") && w.get(0).contains("sha256 of theta.npy")
                && w.get(0).contains("previous checkpoint"), w.get(0));
        assertTrue(r.out().contains("training 3 -> 9"), r.out());
        assertTrue(Files.isDirectory(run.resolve("checkpoints/iter-000006.corrupt")));
        assertArrayEquals(Fixtures.theta(reference, "iter-000006"), Fixtures.theta(run, "iter-000006"));
        assertArrayEquals(Fixtures.theta(reference, "iter-000009"), Fixtures.theta(run, "iter-000009"));

        // Truncation of an optimizer file is caught the same way (second corrupt copy kept apart).
        Path adamM = run.resolve("checkpoints/iter-000009/adam_m.npy");
        try (RandomAccessFile f = new RandomAccessFile(adamM.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        r = train(run, 9, "--resume");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(1, warnings(r).stream().filter(l -> l.contains("resuming from the previous")).count(), r.out());
        assertTrue(r.out().contains("training 6 -> 9"), r.out());
        assertArrayEquals(Fixtures.theta(reference, "iter-000009"), Fixtures.theta(run, "iter-000009"));
        // Metrics hold each iteration once, though iterations 4..9 ran twice.
        long rows = SharedSpark.session("local[2]").read().parquet(run.resolve("metrics").toString()).count();
        assertEquals(9, rows);
    }

    @Test
    void continueStartsOrContinuesARunForMoreIterationsOrWithinATimeBudget() {
        SharedSpark.local2();
        Path run = Fixtures.scratch("sched-continue").resolve("r");
        SharedSpark.Run r = train(run, 100, "--continue", "--more-iterations", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("training 0 -> 2"), r.out());
        r = train(run, 100, "--continue", "--more-iterations", "3");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("training 2 -> 5"), r.out());
        Path reference = Fixtures.scratch("sched-continue-ref");
        assertEquals(0, train(reference, 5).exitCode());
        assertArrayEquals(Fixtures.theta(reference, "iter-000005"), Fixtures.theta(run, "iter-000005"));

        // A time budget stops a long target early, with a checkpoint that equals an uninterrupted run's.
        r = train(run, 100_000, "--continue", "--time-budget", "2s");
        assertEquals(0, r.exitCode(), r.err());
        Matcher m = Pattern.compile("time budget PT2S reached after iteration (\\d+) of 100000").matcher(r.out());
        assertTrue(m.find(), r.out());
        int stopped = Integer.parseInt(m.group(1));
        assertTrue(stopped > 5 && stopped < 100_000, "stopped at " + stopped);
        String name = String.format("iter-%06d", stopped);
        assertEquals(0, train(reference, stopped, "--resume").exitCode());
        assertArrayEquals(Fixtures.theta(reference, name), Fixtures.theta(run, name));
        assertFalse(Files.exists(run.resolve(".lock")), "lock released");
    }

    private static void flipLastByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 1);
            int b = f.read();
            f.seek(f.length() - 1);
            f.write(b ^ 0x10);
        }
    }
}
