package org.mbmrl.driver.cli;

import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.spark.Sessions;
import picocli.CommandLine.Option;

/** {@code --master}, shared by every command that runs Spark jobs. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit set, else ${sys:mbmrl.defaultMaster:-local[*]}).")
    String master;

    public SparkSession session(String app) {
        return Sessions.getOrCreate(master, "mbmrl " + app);
    }
}
