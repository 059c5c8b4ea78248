package org.mbmrl.driver.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the Spark session every command runs in. Under spark-submit the master and
 * settings come from spark-submit; otherwise {@code --master} or the embedded default
 * {@code local[*]}. Kryo is the serializer, with ND4J's registrator for any INDArray that
 * crosses the wire (our own broadcasts and aggregates are plain arrays).
 */
public final class Sessions {
    public static final String DEFAULT_MASTER = "local[*]";
    /** ND4J's Kryo registrations (INDArrays) and mbmrl's own. */
    public static final String REGISTRATORS = "org.nd4j.kryo.Nd4jRegistrator,org.mbmrl.driver.spark.MbmrlKryoRegistrator";

    private Sessions() {}

    /** The active session, or a new one; {@code master} (may be null) applies when none is set. */
    public static SparkSession getOrCreate(String master, String appName) {
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active != null && !active.sparkContext().isStopped()
                && (master == null || master.equals(active.sparkContext().master()))) {
            return active;
        }
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(DEFAULT_MASTER);
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", REGISTRATORS);
        conf.setIfMissing("spark.kryoserializer.buffer.max", "512m");
        conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        // theta (a float vector) and per-partition sums (long vectors) are a few MB each:
        // return them directly instead of through the block manager, and do not try to
        // compress random floats.
        conf.setIfMissing("spark.task.maxDirectResultSize", "64m");
        conf.setIfMissing("spark.broadcast.compress", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // Local files without Hadoop's .crc side files: a dataset.json or table a user edits by
        // hand is then read (or rejected) for its content, not for a stale checksum. Datasets
        // carry their own fingerprint and checkpoints their sha256.
        conf.setIfMissing("spark.hadoop.fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        conf.setIfMissing("spark.hadoop.fs.file.impl.disable.cache", "true");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
