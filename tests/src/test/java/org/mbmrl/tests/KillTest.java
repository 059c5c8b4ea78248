package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 in the middle of {@code evaluate}, {@code evaluate --control} and {@code collect},
 * run as a user runs them ({@code bin/mbmrl}, its own JVM): nothing partial is visible
 * afterwards, and the same command run again (taking over the dead process's lock) writes
 * the bytes an uninterrupted run writes (control: the same rows but for the timing columns
 * {@code adapt_ms} and {@code plan_ms}, which no two runs share).
 */
class KillTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static SparkSession spark;
    private static Path run;

    @BeforeAll
    static void start() {
        spark = SharedSpark.local2();
        Path data = Fixtures.copy(Fixtures.smallDataset(), "kill-data");
        run = Fixtures.scratch("kill-run").resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--set", "dataset=" + data, "--set", "run_dir=" + run,
                "--set", "model.hidden=[8]", "--set", "adapt.past=8", "--set", "adapt.future=8", "--set",
                "train.meta_batch=4", "--set", "train.iterations=2"));
        for (String s : Fixtures.SMALL_CONTROL) {
            args.add("--set");
            args.add(s);
        }
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void killedEvaluateLeavesNothingAndTheRerunWritesTheSame() throws Exception {
        Path reference = Fixtures.copy(run, "kill-eval-reference");
        assertEquals(0, SharedSpark.cli("evaluate", "--run", reference.toString()).exitCode());
        Path victim = Fixtures.copy(run, "kill-eval");
        killWhenExists(victim.resolve("eval/.lock"), "evaluate", "--run", victim.toString());
        assertNothingVisible(victim.resolve("eval/split=ood"));

        SharedSpark.Run again = SharedSpark.cli("evaluate", "--run", victim.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(partFileDigests(reference.resolve("eval/split=ood/iteration=2")),
                partFileDigests(victim.resolve("eval/split=ood/iteration=2")), "the same output bytes");
        assertFalse(Files.exists(victim.resolve("eval/.lock")));
    }

    @Test
    void killedControlEvaluationLeavesNothingAndTheRerunWritesTheSame() throws Exception {
        Path reference = Fixtures.copy(run, "kill-control-reference");
        assertEquals(0, SharedSpark.cli("evaluate", "--run", reference.toString(), "--control").exitCode());
        Path victim = Fixtures.copy(run, "kill-control");
        killWhenExists(victim.resolve("eval/.lock"), "evaluate", "--run", victim.toString(), "--control");
        assertNothingVisible(victim.resolve("eval/control"));

        SharedSpark.Run again = SharedSpark.cli("evaluate", "--run", victim.toString(), "--control");
        assertEquals(0, again.exitCode(), again.err());
        List<String> timing = List.of("adapt_ms", "plan_ms");
        assertEquals(rows(reference.resolve("eval/control/iteration=2"), timing),
                rows(victim.resolve("eval/control/iteration=2"), timing));
    }

    @Test
    void killedCollectLeavesNothingAndTheRerunWritesTheSame() throws Exception {
        Path out = Fixtures.scratch("kill-collect");
        Path reference = out.resolve("reference");
        assertEquals(0, SharedSpark.cli("collect", "--run", run.toString(), "--out", reference.toString()).exitCode());
        Path version = out.resolve("v2");
        killWhenExists(out.resolve(".v2.tmp"), "collect", "--run", run.toString(), "--out", version.toString());
        assertFalse(Files.exists(version), "no partial dataset version");

        SharedSpark.Run again = SharedSpark.cli("collect", "--run", run.toString(), "--out", version.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertFalse(Files.exists(out.resolve(".v2.tmp")), "the killed run's leftovers are gone");
        for (String table : List.of("tasks", "transitions")) {
            assertEquals(partFileDigests(reference.resolve(table)), partFileDigests(version.resolve(table)),
                    table + ": the same bytes");
        }
    }

    /** Starts {@code bin/mbmrl args}, kills it with SIGKILL as soon as {@code marker} exists, and waits for it. */
    private static void killWhenExists(Path marker, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", REPO.resolve("bin/mbmrl").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--master", "local[2]"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MBMRL_LOG_DIR", Fixtures.scratch("kill-logs").toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(marker) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(p.isAlive(), "the command was still running when " + marker + " appeared (exit " + exitOf(p) + ")");
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
    }

    private static String exitOf(Process p) {
        return p.isAlive() ? "running" : Integer.toString(p.exitValue());
    }

    /** Nothing but hidden leftovers (names starting with "." or "_") below {@code dir}. */
    private static void assertNothingVisible(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> visible = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_"))
                    .toList();
            assertEquals(List.of(), visible, "no partial output in " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sha256 of each Parquet part file of a table, sorted (part file names carry a random job id). */
    private static List<String> partFileDigests(Path table) {
        try (Stream<Path> s = Files.list(table)) {
            List<String> out = new ArrayList<>();
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
                out.add(java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
            out.sort(null);
            assertFalse(out.isEmpty(), "part files in " + table);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The table's rows without {@code drop} columns, sorted by every column. */
    private static List<String> rows(Path table, List<String> drop) {
        var df = spark.read().parquet(table.toString()).drop(drop.toArray(String[]::new));
        return df.collectAsList().stream().map(Row::toString).sorted().toList();
    }
}
