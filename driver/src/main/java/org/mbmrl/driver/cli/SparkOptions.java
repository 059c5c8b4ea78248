package org.mbmrl.driver.cli;

import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.spark.Sessions;
import picocli.CommandLine.Option;

/** {@code --master}, shared by every command that runs Spark jobs. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit set, else ${sys:mbmrl.defaultMaster:-local[*]}).")
    String master;

    /** The forms of master URL Spark accepts (SparkContext.createTaskScheduler). */
    private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "local|local\\[(\\d+|\\*)(,\\d+)?\\]|local-cluster\\[\\d+,\\d+,\\d+\\]|yarn|(spark|k8s|mesos)://.+");

    public SparkSession session(String app) {
        if (master != null && !MASTER.matcher(master.strip()).matches()) {
            throw new org.mbmrl.driver.UserError("--master '" + master + "' is not a Spark master URL; use local[N],"
                    + " local[*], local-cluster[N,CORES,MB], spark://HOST:PORT, k8s://URL or yarn");
        }
        try {
            return Sessions.getOrCreate(master == null ? null : master.strip(), "mbmrl " + app);
        } catch (RuntimeException e) {
            throw new org.mbmrl.driver.EnvironmentFailure("could not start Spark on master "
                    + (master == null ? "(default)" : master) + " (is it running and reachable?): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
