package org.mbmrl.driver.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.checkpoint.RunLock;

/**
 * A run's evaluation output ({@code RUN/eval/}), written by one command at a time: opening it
 * takes the lock {@code RUN/eval/.lock} (a second {@code evaluate} is refused in one line
 * naming the holder; training the run at the same time is fine), and every table is written
 * to a hidden sibling first and renamed into place, so a reader never sees half a table and a
 * killed command leaves nothing visible behind (its hidden leftovers are overwritten next time).
 */
public final class EvalOutput implements AutoCloseable {
    private final FileSystem fs;
    private final Path root;
    private final RunLock lock;

    private EvalOutput(FileSystem fs, Path root, RunLock lock) {
        this.fs = fs;
        this.root = root;
        this.lock = lock;
    }

    /** Takes {@code runDir}'s evaluation output for this command. */
    public static EvalOutput open(SparkSession spark, Path runDir) {
        Path root = new Path(runDir, "eval");
        FileSystem fs = Files.rawFs(root, spark.sparkContext().hadoopConfiguration());
        return new EvalOutput(fs, root, RunLock.acquireForOutput(fs, root, "the evaluation output"));
    }

    /** {@code RUN/eval/} joined with {@code parts}. */
    public Path path(String... parts) {
        Path p = root;
        for (String part : parts) {
            p = new Path(p, part);
        }
        return p;
    }

    /** Writes {@code table} as one Parquet file at {@code target}, replacing what was there, all at once. */
    public void write(Dataset<Row> table, Path target) {
        Path tmp = Files.child(target.getParent(), "." + target.getName() + ".tmp");
        table.coalesce(1).write().mode(SaveMode.Overwrite).parquet(tmp.toString());
        try {
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("cannot remove the previous " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
