package org.mbmrl.driver.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.Files;

/**
 * Writing a new dataset directory whole or not at all: the tables and {@code dataset.json}
 * go to a hidden sibling {@code .NAME.tmp}, which is renamed into place at the end and
 * deleted on any failure, so a reader never sees half a dataset ({@code generate},
 * {@code import}).
 */
public final class NewDataset {
    private NewDataset() {}

    /** What fills the temporary directory. */
    @FunctionalInterface
    public interface Contents<T> {
        T writeInto(Path tmp, FileSystem fs) throws IOException;
    }

    /**
     * Writes dataset {@code out} with {@code contents}; {@code out} must not exist (a
     * {@link UserError} naming it, with {@code option} the flag that chose it).
     */
    public static <T> T write(SparkSession spark, String out, String option, Contents<T> contents) {
        Path target = Files.path(out);
        FileSystem fs = Files.fs(target, spark.sparkContext().hadoopConfiguration());
        Path tmp = Files.child(target.getParent(), "." + target.getName() + ".tmp");
        try {
            if (fs.exists(target)) {
                throw new UserError("output already exists: " + out + " (choose another " + option + " or delete it)");
            }
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
            T result = contents.writeInto(tmp, fs);
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dataset " + out, e);
        } finally {
            try {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, true);
                }
            } catch (IOException ignored) {
                // best effort: the temporary directory is hidden and replaced by the next writer
            }
        }
    }
}
