package org.mbmrl.driver.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.UUID;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mbmrl.driver.UserError;

/**
 * A lease on a run directory, so two training runs never write one run at once: the file
 * {@code RUN/.lock} names its owner and when its lease ends. It is created with
 * create-if-absent (atomic on HDFS and local file systems); a lock whose lease has ended
 * (its run died) is taken over, and so is one whose owner was a process on this host that
 * no longer exists (a killed driver need not wait out its lease); the owner renews the
 * lease as it trains and deletes the file when it stops.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";
    /** How long a lease lasts without renewal. */
    public static final long LEASE_MILLIS = 10 * 60 * 1000L;

    private final FileSystem fs;
    private final Path file;
    private final String owner;
    private boolean held;
    private java.util.concurrent.ScheduledExecutorService renewer;

    private RunLock(FileSystem fs, Path file, String owner) {
        this.fs = fs;
        this.file = file;
        this.owner = owner;
    }

    /** Takes the lock of {@code runDir} or fails with a line naming the holder. */
    public static RunLock acquire(FileSystem fs, Path runDir) {
        return acquire(fs, runDir, "run_dir", "another run");
    }

    /**
     * Takes the lock of output directory {@code dir} ({@code what}, e.g. "the evaluation
     * output of run R") for a command that writes it, and keeps its lease alive from a daemon
     * thread until {@link #close()}: a second writer is refused with the holder named.
     */
    public static RunLock acquireForOutput(FileSystem fs, Path dir, String what) {
        return keepAlive(acquire(fs, dir, what, "another command"));
    }

    private static RunLock keepAlive(RunLock lock) {
        java.util.concurrent.ScheduledExecutorService renewer = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "mbmrl-lock-renewer");
                    t.setDaemon(true);
                    return t;
                });
        renewer.scheduleAtFixedRate(() -> {
            try {
                lock.renew();
            } catch (RuntimeException e) {
                renewer.shutdown();
            }
        }, LEASE_MILLIS / 4, LEASE_MILLIS / 4, java.util.concurrent.TimeUnit.MILLISECONDS);
        lock.renewer = renewer;
        return lock;
    }

    /**
     * Takes the lock file {@code file} itself (e.g. {@code PARENT/.NAME.lock} beside an output
     * that does not exist yet), kept alive until {@link #close()} as {@link #acquireForOutput}.
     */
    public static RunLock acquireFile(FileSystem fs, Path file, String what) {
        return keepAlive(acquireAt(fs, file, file.getParent(), what, "another command"));
    }

    private static RunLock acquire(FileSystem fs, Path runDir, String what, String holder) {
        return acquireAt(fs, new Path(runDir, FILE), runDir, what, holder);
    }

    private static RunLock acquireAt(FileSystem fs, Path file, Path runDir, String what, String holder) {
        String owner = hostName() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID();
        RunLock lock = new RunLock(fs, file, owner);
        try {
            fs.mkdirs(runDir);
            if (!lock.tryCreate()) {
                JsonNode held = readQuietly(fs, lock.file);
                long until = held == null ? 0 : held.path("lease_until_ms").asLong();
                if (held != null && until > System.currentTimeMillis() && !deadOnThisHost(held.path("owner").asText())) {
                    throw new UserError(what + " " + runDir + " is locked by " + holder + " (" + held.path("owner").asText()
                            + ", lease until " + Instant.ofEpochMilli(until) + "); wait for it to finish, or delete "
                            + lock.file + " if that run is gone");
                }
                // The holder's lease ended (or the file is unreadable): the run died; take over.
                fs.delete(lock.file, false);
                if (!lock.tryCreate()) {
                    throw new UserError(what + " " + runDir + " was locked by " + holder + " while taking over a stale lock");
                }
            }
            lock.held = true;
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + runDir, e);
        }
    }

    /** Extends the lease (call at least once per lease period while training). */
    public synchronized void renew() {
        if (!held) {
            throw new IllegalStateException("renewing a lock that is not held: " + file);
        }
        try {
            JsonNode current = readQuietly(fs, file);
            if (current == null || !owner.equals(current.path("owner").asText())) {
                throw new UserError("lost the lock of " + file.getParent() + " to "
                        + (current == null ? "nobody (file removed)" : current.path("owner").asText()));
            }
            try (OutputStream out = fs.create(file, true)) {
                out.write(content());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot renew " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        if (!held) {
            return;
        }
        held = false;
        try {
            JsonNode current = readQuietly(fs, file);
            if (current != null && owner.equals(current.path("owner").asText())) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + file, e);
        }
    }

    private boolean tryCreate() throws IOException {
        if ("file".equals(fs.getUri().getScheme())) {
            // Hadoop's local create(overwrite=false) checks, then opens: not atomic. O_CREAT|O_EXCL is.
            try {
                java.nio.file.Files.write(java.nio.file.Path.of(file.toUri()), content(),
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(content());
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false;
            }
            throw e;
        }
    }

    private byte[] content() throws IOException {
        ObjectNode n = CheckpointStore.JSON.createObjectNode();
        n.put("owner", owner);
        n.put("lease_until_ms", System.currentTimeMillis() + LEASE_MILLIS);
        return CheckpointStore.JSON.writeValueAsBytes(n);
    }

    private static JsonNode readQuietly(FileSystem fs, Path file) throws IOException {
        if (!fs.exists(file)) {
            return null;
        }
        try {
            return CheckpointStore.JSON.readTree(Files.read(fs, file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** Whether {@code owner} ({@code host:pid:uuid}) names a process of this host that has exited. */
    static boolean deadOnThisHost(String owner) {
        String[] parts = owner.split(":");
        if (parts.length != 3 || !parts[0].equals(hostName())) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[1]);
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
