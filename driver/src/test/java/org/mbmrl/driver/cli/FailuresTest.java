package org.mbmrl.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mbmrl.driver.UserError;

/** The CLI's failure boundary: which failures are the caller's (exit 2) and what the one line says. */
class FailuresTest {

    @Test
    void callerErrorsExitTwoWithTheirFirstLine() {
        assertUser(new UserError("dataset d has no tasks/ table\nmore detail"), "dataset d has no tasks/ table");
        // Executors' errors reach the driver wrapped by Spark.
        assertUser(new SparkException("Job aborted", new IllegalArgumentException("famle.lr must be >= 0; got -1")),
                "famle.lr must be >= 0; got -1");
        assertUser(new UncheckedIOException(new NoSuchFileException("/data/run/eval")), "/data/run/eval: does not exist");
        assertUser(new RuntimeException(new AccessDeniedException("/ro/run")), "/ro/run: permission denied");
        assertUser(new RuntimeException(new FileNotFoundException("File file:/x/y does not exist")),
                "File file:/x/y does not exist");
        assertUser(new SparkException("Could not parse Master URL: 'foo'"), "--master: Could not parse Master URL: 'foo'");
        assertUser(new RuntimeException("wrapped", new RuntimeException(
                "file:/d/transitions/part-0.parquet is not a Parquet file. Expected magic number at tail")),
                "not a readable Parquet file: file:/d/transitions/part-0.parquet");
        Failures.Failure oom = Failures.classify(new OutOfMemoryError("Java heap space"));
        assertEquals(2, oom.exitCode());
        assertTrue(oom.line().contains("out of memory") && oom.line().contains("MBMRL_JAVA_OPTS"), oom.line());
    }

    @Test
    void otherFailuresExitOneNamingTheLogWithTheTrace(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("mbmrl-test.log");
        String before = System.getProperty(Failures.LOG_FILE_PROPERTY);
        System.setProperty(Failures.LOG_FILE_PROPERTY, log.toString());
        try {
            IllegalStateException bug = new IllegalStateException("cluster lost", new RuntimeException("executor 3 gone"));
            assertEquals(1, Failures.classify(bug).exitCode());
            StringWriter err = new StringWriter();
            int code = Failures.report(bug, new PrintWriter(err), false);
            assertEquals(1, code);
            List<String> lines = err.toString().lines().toList();
            assertEquals(1, lines.size(), err.toString());
            assertTrue(lines.get(0).startsWith("mbmrl: error: IllegalStateException: RuntimeException: executor 3 gone"),
                    lines.get(0));
            assertTrue(lines.get(0).contains("stack trace: " + log) && lines.get(0).contains("--verbose"), lines.get(0));
            String trace = Files.readString(log);
            assertTrue(trace.contains("cluster lost") && trace.contains("\tat "), trace);

            StringWriter lost = new StringWriter();
            assertEquals(1, Failures.report(new org.mbmrl.driver.EnvironmentFailure("could not start Spark on master"
                    + " spark://h:7077 (is it running and reachable?)", new IllegalStateException("LiveListenerBus is stopped.")),
                    new PrintWriter(lost), false));
            assertTrue(lost.toString().startsWith("mbmrl: error: could not start Spark on master spark://h:7077")
                    && lost.toString().contains("stack trace: " + log) && lost.toString().lines().count() == 1, lost.toString());

            StringWriter stopped = new StringWriter();
            assertEquals(1, Failures.report(new RuntimeException(new IllegalStateException("LiveListenerBus is stopped.")),
                    new PrintWriter(stopped), false));
            assertTrue(stopped.toString().startsWith("mbmrl: error: Spark stopped while the command ran: the cluster master"
                    + " did not answer"), stopped.toString());

            StringWriter verbose = new StringWriter();
            Failures.report(bug, new PrintWriter(verbose), true);
            assertTrue(verbose.toString().lines().count() > 1 && verbose.toString().contains("\tat "),
                    "--verbose prints the trace");
            StringWriter user = new StringWriter();
            assertEquals(2, Failures.report(new UserError("bad key"), new PrintWriter(user), false));
            assertEquals("mbmrl: error: bad key", user.toString().strip());
            assertFalse(user.toString().contains("\tat "));
        } finally {
            if (before == null) {
                System.clearProperty(Failures.LOG_FILE_PROPERTY);
            } else {
                System.setProperty(Failures.LOG_FILE_PROPERTY, before);
            }
        }
    }

    private static void assertUser(Throwable t, String expected) {
        Failures.Failure f = Failures.classify(t);
        assertEquals(2, f.exitCode(), String.valueOf(f.line()));
        assertTrue(f.line() != null && f.line().contains(expected), f.line() + " should contain " + expected);
    }
}
