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

    private RunLock(FileSystem fs, Path file, String owner) {
        this.fs = fs;
        this.file = file;
        this.owner = owner;
    }

    /** Takes the lock of {@code runDir} or fails with a line naming the holder. */
    public static RunLock acquire(FileSystem fs, Path runDir) {
        String owner = hostName() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID();
        RunLock lock = new RunLock(fs, new Path(runDir, FILE), owner);
        try {
            fs.mkdirs(runDir);
            if (!lock.tryCreate()) {
                JsonNode held = readQuietly(fs, lock.file);
                long until = held == null ? 0 : held.path("lease_until_ms").asLong();
                if (held != null && until > System.currentTimeMillis() && !deadOnThisHost(held.path("owner").asText())) {
                    throw new UserError("run_dir " + runDir + " is locked by another run (" + held.path("owner").asText()
                            + ", lease until " + Instant.ofEpochMilli(until) + "); wait for it to finish, or delete "
                            + lock.file + " if that run is gone");
                }
                // The holder's lease ended (or the file is unreadable): the run died; take over.
                fs.delete(lock.file, false);
                if (!lock.tryCreate()) {
                    throw new UserError("run_dir " + runDir + " was locked by another run while taking over a stale lock");
                }
            }
            lock.held = true;
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + runDir, e);
        }
    }

    /** Extends the lease (call at least once per lease period while training). */
    public void renew() {
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
    public void close() {
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
