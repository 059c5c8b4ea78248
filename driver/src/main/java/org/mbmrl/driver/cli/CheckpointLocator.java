package org.mbmrl.driver.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;

/** Resolves a command-line location to a checkpoint directory: a checkpoint itself, or a run (its newest). */
final class CheckpointLocator {
    private CheckpointLocator() {}

    static Path resolve(String location, Configuration conf) {
        Path p = Files.path(location);
        FileSystem fs = Files.fs(p, conf);
        try {
            if (!fs.exists(p)) {
                throw new UserError("checkpoint or run directory does not exist: " + location);
            }
            if (fs.exists(new Path(p, CheckpointStore.MANIFEST))) {
                return p;
            }
            CheckpointStore store = new CheckpointStore(p, conf);
            String latest = store.latestName();
            if (latest == null) {
                throw new UserError("not a checkpoint and not a run with checkpoints: " + location);
            }
            return new Path(store.directory(), latest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
