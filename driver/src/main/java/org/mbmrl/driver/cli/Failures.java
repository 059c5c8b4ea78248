package org.mbmrl.driver.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mbmrl.driver.UserError;

/**
 * The CLI's one boundary for failures: every throwable that ends a command becomes one line
 * and an exit code. Caller errors (bad input, a path or resource the user named, a size that
 * does not fit the memory the user gave) exit {@value Mbmrl#EXIT_USER_ERROR} naming the
 * culprit; anything else (a lost cluster, a bug) exits 1 with its class, message and where the
 * stack trace was written. The trace never reaches the terminal unless {@code --verbose}.
 */
final class Failures {
    static final int EXIT_FAILURE = 1;
    /** Where stack traces are written: {@code $MBMRL_LOG_DIR}, else {@code java.io.tmpdir/mbmrl-logs}. */
    static final String LOG_DIR_ENV = "MBMRL_LOG_DIR";
    /** The invocation's log file, set by bin/mbmrl (log4j writes Spark's log there too). */
    static final String LOG_FILE_PROPERTY = "mbmrl.log.file";

    private static final Pattern PARQUET_PATH = Pattern.compile("(file:[^\\s,'\"]+|/[^\\s,'\"]+)");

    /** How a failure is reported: its exit code and the one line for stderr. */
    record Failure(int exitCode, String line) {}

    private Failures() {}

    /** The failure's class, from the whole cause chain (Spark wraps executors' errors several times). */
    static Failure classify(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof UserError || t instanceof IllegalArgumentException) {
                return user(firstLine(t.getMessage(), t.getClass().getSimpleName()));
            }
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof OutOfMemoryError) {
                return user(String.format(Locale.ROOT, "out of memory (%s, the JVM's limit is %d MB): the configured sizes"
                        + " (model.hidden, tasks, episodes, steps, planner candidates) need more; lower them or raise it"
                        + " with MBMRL_JAVA_OPTS=-Xmx...", firstLine(m, "heap"), Runtime.getRuntime().maxMemory() >> 20));
            }
            if (t instanceof FileSystemException f) {
                return user(pathProblem(f));
            }
            if (t instanceof FileNotFoundException || t instanceof org.apache.hadoop.fs.FileAlreadyExistsException
                    || t instanceof org.apache.hadoop.fs.ParentNotDirectoryException
                    || t instanceof org.apache.hadoop.security.AccessControlException) {
                return user(firstLine(m, t.getClass().getSimpleName()));
            }
            if (t instanceof IOException && (m.contains("Permission denied") || m.contains("Not a directory")
                    || m.contains("Is a directory") || m.startsWith("Mkdirs failed"))) {
                return user(firstLine(m, "I/O error"));
            }
            if (isParquetCorruption(t, m)) {
                Matcher p = PARQUET_PATH.matcher(m);
                String file = p.find() ? p.group(1) : "a part file";
                return user("not a readable Parquet file: " + trimTrailing(file) + " (" + parquetReason(m) + ")");
            }
            if (m.startsWith("Could not parse Master URL")) {
                return user("--master: " + firstLine(m, "") + "; use local[N], local[*], spark://HOST:PORT, k8s://URL or yarn");
            }
        }
        return new Failure(EXIT_FAILURE, null);
    }

    /**
     * Reports {@code ex}: one line on {@code err} (and the stack trace after it with {@code
     * verbose}); for failures that are not the caller's, the trace is also written to a file
     * whose path the line names. Returns the exit code.
     */
    static int report(Throwable ex, PrintWriter err, boolean verbose) {
        Failure f = classify(ex);
        String line = f.line();
        if (line == null) {
            String where = writeTrace(ex);
            String environment = null;
            for (Throwable t = ex; t != null && environment == null; t = t.getCause()) {
                String m = t.getMessage() == null ? "" : t.getMessage();
                if (t instanceof org.mbmrl.driver.EnvironmentFailure) {
                    environment = firstLine(m, "environment failure");
                } else if (m.contains("LiveListenerBus is stopped") || m.contains("stopped SparkContext")) {
                    // Spark gave up on its master (e.g. "All masters are unresponsive") and stopped under us.
                    environment = "Spark stopped while the command ran: the cluster master did not answer, or it killed"
                            + " the application (the log says which)";
                }
            }
            line = (environment != null ? environment
                    : ex.getClass().getSimpleName() + ": " + firstLine(rootMessage(ex), "(no message)"))
                    + (where == null ? "" : " (stack trace: " + where + (verbose ? "" : "; --verbose prints it") + ")");
        }
        err.println("mbmrl: error: " + line);
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return f.exitCode();
    }

    private static Failure user(String line) {
        return new Failure(Mbmrl.EXIT_USER_ERROR, line);
    }

    private static String pathProblem(FileSystemException f) {
        String what = f instanceof NoSuchFileException ? "does not exist"
                : f instanceof AccessDeniedException ? "permission denied"
                : f instanceof FileAlreadyExistsException ? "already exists"
                : f instanceof NotDirectoryException ? "is not a directory"
                : f instanceof DirectoryNotEmptyException ? "is a directory that is not empty"
                : f.getReason() == null ? "cannot be used" : f.getReason();
        return f.getFile() + ": " + what + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
    }

    private static boolean isParquetCorruption(Throwable t, String m) {
        return t.getClass().getName().startsWith("org.apache.parquet.") || m.contains("is not a Parquet file")
                || m.contains("Could not read footer") || m.contains("can not read class org.apache.parquet")
                || (m.contains("FAILED_READ_FILE") && m.contains(".parquet"));
    }

    private static String parquetReason(String m) {
        if (m.contains("is not a Parquet file")) {
            return "no Parquet magic bytes: not Parquet, or truncated";
        }
        if (m.contains("Could not read footer") || m.contains("can not read class")) {
            return "its footer is unreadable: truncated or corrupt";
        }
        return "corrupt";
    }

    private static String trimTrailing(String s) {
        return s.replaceAll("[.:;)\\]]+$", "");
    }

    private static String rootMessage(Throwable ex) {
        Throwable t = ex;
        String m = ex.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                m = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return m;
    }

    static String firstLine(String s, String fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        return s.lines().findFirst().orElse(fallback).strip();
    }

    /**
     * Appends the stack trace to the invocation's log file ({@code -Dmbmrl.log.file}, which
     * bin/mbmrl sets and Spark's log also goes to), else to {@code mbmrl-PID.log} in
     * {@code $MBMRL_LOG_DIR} or {@code java.io.tmpdir/mbmrl-logs}; the file's path, or null
     * if it cannot be written.
     */
    private static String writeTrace(Throwable ex) {
        StringWriter trace = new StringWriter();
        ex.printStackTrace(new PrintWriter(trace));
        try {
            String configured = System.getProperty(LOG_FILE_PROPERTY);
            Path file;
            if (configured != null && !configured.isBlank()) {
                file = Path.of(configured);
            } else {
                String dir = System.getenv(LOG_DIR_ENV);
                Path logs = dir != null && !dir.isBlank() ? Path.of(dir)
                        : Path.of(System.getProperty("java.io.tmpdir"), "mbmrl-logs");
                file = logs.resolve("mbmrl-" + ProcessHandle.current().pid() + ".log");
            }
            if (file.getParent() != null) {
                java.nio.file.Files.createDirectories(file.getParent());
            }
            java.nio.file.Files.writeString(file, trace.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return file.toString();
        } catch (IOException | UncheckedIOException | SecurityException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}
