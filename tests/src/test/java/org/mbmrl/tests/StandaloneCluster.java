package org.mbmrl.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster for tests: a master and workers as separate JVMs on
 * 127.0.0.1, started and stopped by {@code deploy/local-cluster/*.sh}, with applications
 * submitted through {@code deploy/spark-submit.sh} and the shaded jar, as a user would.
 */
final class StandaloneCluster implements AutoCloseable {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private final Path dir;
    private final String masterUrl;

    private StandaloneCluster(Path dir, String masterUrl) {
        this.dir = dir;
        this.masterUrl = masterUrl;
    }

    /** Starts a master and {@code workers} workers of one core each on free ports. */
    static StandaloneCluster start(int workers) {
        Path dir = Fixtures.scratch("standalone");
        int port = freePort();
        Script r = script("start.sh", "--workers", String.valueOf(workers), "--port", String.valueOf(port),
                "--webui-port", String.valueOf(freePort()), "--dir", dir.toString());
        if (r.exitCode != 0) {
            throw new IllegalStateException("start.sh failed (" + r.exitCode + "): " + r.output);
        }
        return new StandaloneCluster(dir, "spark://127.0.0.1:" + port);
    }

    /** Starts any worker whose process has died (start.sh is idempotent). */
    void restartDeadWorkers(int workers) {
        Script r = script("start.sh", "--workers", String.valueOf(workers),
                "--port", masterUrl.substring(masterUrl.lastIndexOf(':') + 1), "--dir", dir.toString());
        if (r.exitCode != 0) {
            throw new IllegalStateException("start.sh failed (" + r.exitCode + "): " + r.output);
        }
    }

    String masterUrl() {
        return masterUrl;
    }

    /** SIGKILLs worker {@code i} (1-based) and the executor JVMs it started. */
    void killWorker(int i) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(dir.resolve("worker-" + i + ".pid")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessHandle worker = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("worker " + i + " is not running"));
        List<ProcessHandle> executors = worker.descendants().toList();
        worker.destroyForcibly();
        executors.forEach(ProcessHandle::destroyForcibly);
        worker.onExit().join();
    }

    /** Submits {@code mbmrl} arguments with deploy/spark-submit.sh (client mode); output is collected as it comes. */
    Submission submit(String... mbmrlArgs) {
        List<String> cmd = new ArrayList<>(List.of("bash", REPO.resolve("deploy/spark-submit.sh").toString(),
                "--master", masterUrl, "--executor-memory", "1g", "--total-executor-cores", "2", "--"));
        cmd.addAll(List.of(mbmrlArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile());
        pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
        try {
            return new Submission(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        script("stop.sh", "--dir", dir.toString());
    }

    private record Script(int exitCode, String output) {}

    private static Script script(String name, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", REPO.resolve("deploy/local-cluster/" + name).toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Script(p.waitFor(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running spark-submit: its stdout lines as they arrive, stderr kept for failures. */
    static final class Submission {
        private final Process process;
        private final long startNanos = System.nanoTime();
        private final List<String> lines = new ArrayList<>();
        private final StringBuilder err = new StringBuilder();
        private final Thread outReader;
        private final Thread errReader;

        Submission(Process process) {
            this.process = process;
            this.outReader = pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
            this.errReader = pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
        }

        private Thread pump(BufferedReader reader, boolean out) {
            Thread t = new Thread(() -> {
                try (reader) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        synchronized (this) {
                            if (out) {
                                lines.add(line);
                            } else {
                                err.append(line).append('\n');
                            }
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process was killed; what was read is kept
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Waits until a stdout line matches {@code pattern}; fails if the process ends first. */
        synchronized void awaitLine(Pattern pattern, long timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (lines.stream().noneMatch(l -> pattern.matcher(l).find())) {
                if (!process.isAlive() && !outReader.isAlive()) {
                    throw new AssertionError("process ended (" + process.exitValue() + ") before a line matched " + pattern
                            + "\nstdout:\n" + String.join("\n", lines) + "\nstderr:\n" + err);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no line matched " + pattern + " in " + timeoutSeconds + " s\nstdout:\n"
                            + String.join("\n", lines));
                }
                wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
            }
        }

        /** Waits for the process to end; returns its exit code. */
        int waitFor(long timeoutSeconds) throws InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("spark-submit did not end in " + timeoutSeconds + " s\nstdout:\n" + stdout());
            }
            outReader.join(10_000);
            errReader.join(10_000);
            return process.exitValue();
        }

        /** SIGKILLs the driver JVM (spark-submit's script execs java, so it is this process). */
        void kill() {
            process.destroyForcibly();
            process.onExit().join();
        }

        double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        synchronized String stdout() {
            return String.join("\n", lines);
        }

        synchronized String stderr() {
            return err.toString();
        }
    }
}
