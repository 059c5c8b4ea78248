package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Training on a real Spark standalone cluster (a master and two workers, separate JVMs on
 * 127.0.0.1, started by deploy/local-cluster/start.sh), submitted with deploy/spark-submit.sh
 * and the shaded jar: end to end, with a worker SIGKILLed mid-run, and with the driver
 * SIGKILLed mid-run and resumed past a corrupted newest checkpoint. Every run must end with the bytes of the same config
 * trained in-process on {@code local[2]}. Prints the figures docs/benchmarks.md quotes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    private static final int ITERATIONS = 30;
    private static final Pattern ITERATION_SECONDS = Pattern.compile("iter (\\d+)/\\d+ .* ([0-9.]+) s$");

    private static final String LAST = String.format("iter-%06d", ITERATIONS);

    private static StandaloneCluster cluster;
    private static byte[] reference;
    private static double referenceIterationSeconds;
    private static double faultFreeSeconds;
    private static double faultFreeIterationSum;

    @BeforeAll
    static void startCluster() {
        SharedSpark.local2();
        Path local = Fixtures.scratch("cluster-reference");
        SharedSpark.Run r = Fixtures.train("maml", local, ITERATIONS);
        assertEquals(0, r.exitCode(), r.err());
        reference = Fixtures.theta(local, LAST);
        referenceIterationSeconds = medianIterationSeconds(r.out());
        cluster = StandaloneCluster.start(2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String[] trainArgs(Path run, String... flags) {
        List<String> args = new ArrayList<>(Fixtures.trainArgs("maml", run, ITERATIONS));
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void trainAndEvaluateBySparkSubmit() throws Exception {
        Path run = Fixtures.scratch("cluster-e2e").resolve("run");
        StandaloneCluster.Submission train = cluster.submit(trainArgs(run));
        assertEquals(0, train.waitFor(600), train.stderr());
        faultFreeSeconds = train.seconds();
        faultFreeIterationSum = iterationSeconds(train.stdout()).stream().mapToDouble(Double::doubleValue).sum();
        assertArrayEquals(reference, Fixtures.theta(run, LAST), "standalone vs local[2]");

        StandaloneCluster.Submission eval = cluster.submit("evaluate", "--run", run.toString(), "--split", "ood");
        assertEquals(0, eval.waitFor(600), eval.stderr());
        assertTrue(eval.stdout().contains("maml"), eval.stdout());
        assertTrue(Files.isDirectory(run.resolve("eval/split=ood/iteration=" + ITERATIONS + "")));

        double cluster = medianIterationSeconds(train.stdout());
        System.out.printf("FIGURE outer iteration (median of %d, as train prints it to the ms): standalone 2 workers %.3f s,"
                + " local[2] %.3f s; whole spark-submit train %.1f s%n", ITERATIONS, cluster, referenceIterationSeconds,
                faultFreeSeconds);
    }

    @Test
    @Order(2)
    void aWorkerKilledMidRunCostsTimeButNotBits() throws Exception {
        Path run = Fixtures.scratch("cluster-worker-kill").resolve("run");
        StandaloneCluster.Submission train = cluster.submit(trainArgs(run));
        train.awaitLine(Pattern.compile("iter 4/"), 600);
        cluster.killWorker(1);
        assertEquals(0, train.waitFor(900), train.stderr());
        assertArrayEquals(reference, Fixtures.theta(run, LAST), "after a lost worker vs local[2]");
        List<Double> its = iterationSeconds(train.stdout());
        double sum = its.stream().mapToDouble(Double::doubleValue).sum();
        double slowest = its.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        System.out.printf("FIGURE killed worker: iterations took %.1f s in all against %.1f s fault-free (%+.1f s); slowest"
                + " iteration %.2f s (median %.2f s); whole spark-submit %.1f s against %.1f s%n", sum, faultFreeIterationSum,
                sum - faultFreeIterationSum, slowest, medianIterationSeconds(train.stdout()), train.seconds(), faultFreeSeconds);
        cluster.restartDeadWorkers(2);
    }

    @Test
    @Order(3)
    void aKilledDriverResumesPastACorruptCheckpointToTheSameBitsAndALockedRunIsRefused() throws Exception {
        Path run = Fixtures.scratch("cluster-driver-kill").resolve("run");
        StandaloneCluster.Submission train = cluster.submit(trainArgs(run));
        train.awaitLine(Pattern.compile("checkpoint .*iter-000003"), 600);

        // While it trains, a second run on its directory is refused.
        List<String> second = new ArrayList<>(List.of(trainArgs(run)));
        second.add("--resume");
        SharedSpark.Run refused = SharedSpark.cli(second.toArray(String[]::new));
        assertEquals(2, refused.exitCode(), refused.err());
        assertEquals(1, refused.err().lines().filter(l -> !l.isBlank()).count(), refused.err());
        assertTrue(refused.err().contains("is locked by another run"), refused.err());

        train.awaitLine(Pattern.compile("checkpoint .*iter-000006"), 600);
        train.kill();
        assertTrue(Files.exists(run.resolve(".lock")), "the killed driver left its lock behind");

        // The newest checkpoint is damaged as well (one byte flipped): resume falls back past it.
        String newest = Files.readString(run.resolve("checkpoints/LATEST")).trim();
        Path theta = run.resolve("checkpoints").resolve(newest).resolve("theta.npy");
        byte[] bytes = Files.readAllBytes(theta);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(theta, bytes);
        int previous = Integer.parseInt(newest.substring("iter-".length())) - 3;

        StandaloneCluster.Submission resumed = cluster.submit(trainArgs(run, "--resume"));
        assertEquals(0, resumed.waitFor(600), resumed.stderr());
        assertTrue(resumed.stdout().contains("warning: checkpoint") && resumed.stdout().contains(newest + ": sha256 of theta.npy"),
                resumed.stdout());
        assertTrue(resumed.stdout().contains("training " + previous + " -> " + ITERATIONS), resumed.stdout());
        assertArrayEquals(reference, Fixtures.theta(run, LAST), "killed, corrupted and resumed vs local[2]");
    }

    /** The per-iteration wall times a train command prints. */
    static List<Double> iterationSeconds(String stdout) {
        List<Double> s = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            Matcher m = ITERATION_SECONDS.matcher(line.trim());
            if (m.find()) {
                s.add(Double.parseDouble(m.group(2)));
            }
        }
        assertTrue(!s.isEmpty(), "no iteration lines in: " + stdout);
        return s;
    }

    /** Median of the per-iteration wall times a train command prints. */
    static double medianIterationSeconds(String stdout) {
        List<Double> s = iterationSeconds(stdout);
        double[] a = s.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
