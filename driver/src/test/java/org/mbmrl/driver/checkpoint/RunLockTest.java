package org.mbmrl.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mbmrl.driver.UserError;

class RunLockTest {

    @Test
    void secondHolderIsRefusedUntilTheFirstReleases(@TempDir Path dir) {
        org.apache.hadoop.fs.Path run = Files.path(dir.resolve("run").toString());
        FileSystem fs = Files.rawFs(run, new Configuration());
        RunLock first = RunLock.acquire(fs, run);
        UserError e = assertThrows(UserError.class, () -> RunLock.acquire(fs, run));
        assertTrue(e.getMessage().contains("is locked by another run") && e.getMessage().contains(".lock"), e.getMessage());
        first.renew();
        first.close();
        assertFalse(dir.resolve("run/.lock").toFile().exists());
        RunLock.acquire(fs, run).close();
    }

    @Test
    void aStaleLeaseIsTakenOver(@TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("run"));
        java.nio.file.Files.writeString(dir.resolve("run/.lock"), "{\"owner\":\"dead:1:x\",\"lease_until_ms\":1000}");
        org.apache.hadoop.fs.Path run = Files.path(dir.resolve("run").toString());
        try (RunLock lock = RunLock.acquire(Files.rawFs(run, new Configuration()), run)) {
            assertTrue(java.nio.file.Files.readString(dir.resolve("run/.lock")).contains(
                    String.valueOf(ProcessHandle.current().pid())));
        }
    }

    @Test
    void aLiveLeaseOfAnExitedProcessOnThisHostIsTakenOverButNotOneOfALiveProcess(@TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("run"));
        org.apache.hadoop.fs.Path run = Files.path(dir.resolve("run").toString());
        FileSystem fs = Files.rawFs(run, new Configuration());
        String host = java.net.InetAddress.getLocalHost().getHostName();
        long future = System.currentTimeMillis() + RunLock.LEASE_MILLIS;
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            java.nio.file.Files.writeString(dir.resolve("run/.lock"),
                    "{\"owner\":\"" + host + ":" + live.pid() + ":x\",\"lease_until_ms\":" + future + "}");
            UserError e = assertThrows(UserError.class, () -> RunLock.acquire(fs, run));
            assertTrue(e.getMessage().contains(host + ":" + live.pid()), e.getMessage());
        } finally {
            live.destroyForcibly().waitFor();
        }
        try (RunLock lock = RunLock.acquire(fs, run)) {
            assertTrue(java.nio.file.Files.readString(dir.resolve("run/.lock")).contains(
                    ":" + ProcessHandle.current().pid() + ":"));
        }
    }
}
