package org.mbmrl.tests;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code mbmrl collect} and {@code train.rounds > 1} (GrBAL algorithm 1) on local[2]: a new
 * dataset version holds the source's transitions unchanged plus the on-policy episodes, the
 * source is untouched, dataset.json records the provenance, and an iterative run trains its
 * second round on {@code RUN/data/round-1}.
 */
class CollectTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void collectWritesANewDatasetVersion() throws IOException {
        SparkSession spark = SharedSpark.local2();
        Path source = Fixtures.smallDataset();
        Path run = Fixtures.controlRun();
        List<String> before = listing(source);
        Path out = Fixtures.scratch("collect").resolve("v1");

        SharedSpark.Run r = SharedSpark.cli("collect", "--run", run.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        System.out.println(r.out());
        assertTrue(r.out().contains("collect round 1: 3 of 12 train tasks x 1 episodes x 40 steps"), r.out());
        assertEquals(before, listing(source), "the source dataset is untouched");
        assertFalse(Files.exists(out.resolveSibling(".v1.tmp")), "no temporary directory left");

        JsonNode manifest = JSON.readTree(out.resolve("dataset.json").toFile());
        JsonNode src = JSON.readTree(source.resolve("dataset.json").toFile());
        JsonNode p = manifest.path("provenance");
        assertEquals(source, Path.of(java.net.URI.create(p.path("source").path("uri").asText())));
        assertEquals(64, p.path("source").path("fingerprint").asText().length());
        assertEquals(1, p.path("round").asInt());
        assertEquals("iter-000006", p.path("checkpoint").asText());
        assertEquals("maml+gradient", p.path("method").asText());
        assertEquals("nll", p.path("adapter").path("loss").asText(), p.toString());
        assertTrue(p.path("run_dir").asText().endsWith(run.toString()), p.toString());
        assertEquals(3, p.path("collected").path("task_ids").size());
        assertEquals(120, p.path("collected").path("transitions").asInt());
        for (String key : List.of("family", "observation_dim", "action_dim", "train_tasks", "test_tasks", "ood_tasks", "seed")) {
            assertEquals(src.path(key), manifest.path(key), key);
        }

        Dataset<Row> old = spark.read().parquet(source.resolve("transitions").toString());
        Dataset<Row> all = spark.read().parquet(out.resolve("transitions").toString());
        Dataset<Row> added = all.filter(col("episode").geq(2));
        assertEquals(old.count() + 120, all.count());
        assertEquals(0, old.except(all.filter(col("episode").lt(2))).count(), "every old row is in the new version");
        assertEquals(0, all.filter(col("episode").lt(2)).except(old).count(), "and nothing else below episode 2");
        assertEquals(120, added.count());
        assertEquals(1, added.select("episode").distinct().count(), "episode numbers continue after 0, 1");
        List<Row> perTask = added.groupBy("task_id").count().orderBy("task_id").collectAsList();
        assertEquals(3, perTask.size());
        for (Row row : perTask) {
            assertTrue(row.getLong(0) < 12, "collected on train tasks only: " + row);
            assertEquals(40L, row.getLong(1));
        }
        assertEquals(spark.read().parquet(source.resolve("tasks").toString()).count(),
                spark.read().parquet(out.resolve("tasks").toString()).count());

        // The new version is a dataset like any other: a run trains on it.
        Path onV1 = Fixtures.scratch("run-v1").resolve("r");
        SharedSpark.Run t = SharedSpark.cli(Fixtures.trainArgs("pooled", onV1, 2, "dataset=" + out).toArray(String[]::new));
        assertEquals(0, t.exitCode(), t.err());

        // Never over an existing directory.
        SharedSpark.Run again = SharedSpark.cli("collect", "--run", run.toString(), "--out", out.toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("output already exists"), again.err());
    }

    @Test
    void iterativeTrainingCollectsBetweenRounds() throws IOException {
        SharedSpark.local2();
        Path run = Fixtures.scratch("rounds").resolve("r");
        String[] extra = new String[Fixtures.SMALL_CONTROL.length + 1];
        System.arraycopy(Fixtures.SMALL_CONTROL, 0, extra, 0, Fixtures.SMALL_CONTROL.length);
        extra[extra.length - 1] = "train.rounds=2";
        SharedSpark.Run r = Fixtures.train("maml", run, 4, extra);
        assertEquals(0, r.exitCode(), r.err());
        System.out.println(r.out());

        Path round1 = run.resolve("data/round-1");
        JsonNode p = JSON.readTree(round1.resolve("dataset.json").toFile()).path("provenance");
        assertEquals(1, p.path("round").asInt());
        assertEquals("iter-000002", p.path("checkpoint").asText(), "collected with the checkpoint that ended round 0");

        JsonNode end0 = JSON.readTree(run.resolve("checkpoints/iter-000002/manifest.json").toFile()).path("dataset");
        assertEquals(0, end0.path("round").asInt());
        assertEquals(Fixtures.smallDataset(), Path.of(java.net.URI.create(end0.path("location").asText())));
        for (String name : List.of("iter-000003", "iter-000004")) {
            JsonNode d = JSON.readTree(run.resolve("checkpoints/" + name + "/manifest.json").toFile()).path("dataset");
            assertEquals(1, d.path("round").asInt(), name);
            assertEquals(run.resolve("data/round-1"), Path.of(java.net.URI.create(d.path("location").asText())), name);
            assertFalse(d.path("fingerprint").asText().equals(end0.path("fingerprint").asText()));
        }
        assertEquals("iter-000004", Files.readString(run.resolve("checkpoints/LATEST")).trim());

        // Resuming a finished iterative run reuses round-1 and trains nothing more.
        List<String> args = new java.util.ArrayList<>(Fixtures.trainArgs("maml", run, 4, extra));
        args.add("--resume");
        SharedSpark.Run resumed = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("round 1: reusing dataset version"), resumed.out());

        // Interrupted between the rounds (round 0 done, nothing collected yet): --resume collects round 1 again
        // and ends with the same theta, bit for bit (collection and training are pure functions of the seeds).
        byte[] theta = Fixtures.theta(run, "iter-000004");
        deleteTree(run.resolve("data/round-1"));
        deleteTree(run.resolve("checkpoints/iter-000003"));
        deleteTree(run.resolve("checkpoints/iter-000004"));
        Files.writeString(run.resolve("checkpoints/LATEST"), "iter-000002\n");
        SharedSpark.Run again = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("collect round 1"), again.out());
        assertTrue(java.util.Arrays.equals(theta, Fixtures.theta(run, "iter-000004")), "same theta after the resumed rounds");
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.map(q -> dir.relativize(q) + ":" + q.toFile().length() + ":" + q.toFile().lastModified()).sorted().toList();
        }
    }
}
