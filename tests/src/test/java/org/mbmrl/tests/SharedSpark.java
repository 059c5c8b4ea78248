package org.mbmrl.tests;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.cli.Mbmrl;
import org.mbmrl.driver.spark.Sessions;

/**
 * One Spark session shared by the tests of this JVM (as Spark MLlib's tests do), recreated
 * only when a test needs another master ({@code local[1]}, {@code local-cluster[...]}).
 */
public final class SharedSpark {
    private SharedSpark() {}

    public static synchronized SparkSession session(String master) {
        return session(master, 1);
    }

    /** A session on {@code master} whose tasks each take {@code taskCpus} cores ({@code spark.task.cpus}). */
    public static synchronized SparkSession session(String master, int taskCpus) {
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active != null && !active.sparkContext().isStopped()) {
            if (active.sparkContext().master().equals(master)
                    && active.sparkContext().getConf().getInt("spark.task.cpus", 1) == taskCpus) {
                return active;
            }
            active.stop();
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        if (master.startsWith("local-cluster")) {
            return localCluster(master);
        }
        // SparkConf reads spark.* system properties when it is made.
        System.setProperty("spark.task.cpus", Integer.toString(taskCpus));
        try {
            return Sessions.getOrCreate(master, "mbmrl tests");
        } finally {
            System.clearProperty("spark.task.cpus");
        }
    }

    /** The shared {@code local[2]} session. */
    public static SparkSession local2() {
        return session("local[2]");
    }

    /**
     * A {@code local-cluster} session: executors are separate JVMs started from the Maven
     * jars (SPARK_HOME with an empty jars/, SPARK_SCALA_VERSION, an absolute
     * executor class path), so closures that do not serialize or native libraries missing
     * on executors fail here as they would on a real cluster.
     */
    private static SparkSession localCluster(String master) {
        try {
            String home = System.getenv("SPARK_HOME");
            if (home == null) {
                throw new IllegalStateException("SPARK_HOME must be set for local-cluster (tests/pom.xml sets it)");
            }
            Files.createDirectories(Path.of(home, "jars"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String classPath = System.getProperty("java.class.path");
        StringBuilder absolute = new StringBuilder();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                absolute.append(absolute.length() == 0 ? "" : File.pathSeparator).append(new File(entry).getAbsolutePath());
            }
        }
        System.setProperty("spark.executor.extraClassPath", absolute.toString());
        System.setProperty("spark.executor.extraJavaOptions", "-Dlog4j2.configurationFile=" + log4jConfig());
        System.setProperty("spark.executorEnv.MKL_THREADING_LAYER", "GNU");
        try {
            return Sessions.getOrCreate(master, "mbmrl tests (local-cluster)");
        } finally {
            System.clearProperty("spark.executor.extraClassPath");
            System.clearProperty("spark.executor.extraJavaOptions");
            System.clearProperty("spark.executorEnv.MKL_THREADING_LAYER");
        }
    }

    private static String log4jConfig() {
        java.net.URL url = SharedSpark.class.getResource("/log4j2.properties");
        return url == null ? "" : url.toString();
    }

    /** The outcome of running the CLI in this JVM. */
    public record Run(int exitCode, String out, String err) {}

    /** Runs {@code mbmrl args...} in this JVM (on the active session). */
    public static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Mbmrl.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
