package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code generate --tasks FILE.yaml}: tasks drawn from the file's ranges, recorded in
 * {@code dataset.json} and used by control's mid-episode change; a file restating the
 * defaults gives the same data as none; bad distributions are one line and nothing written.
 */
class TaskDistributionFileTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SharedSpark.local2();
    }

    private static List<String> generate(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("generate", "--out", out.toString(), "--train-tasks", "12", "--test-tasks",
                "4", "--ood-tasks", "6", "--episodes", "1", "--steps", "20", "--seed", "9"));
        args.addAll(List.of(extra));
        return args;
    }

    private static void run(List<String> args) {
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void everyTaskLiesInTheFilesRangesAndDefaultsAreReproducedExactly() throws IOException {
        Path dir = Fixtures.scratch("tasks-file");
        Path yaml = dir.resolve("heavy.yaml");
        Files.writeString(yaml, """
                family: pendulum
                nominal:
                  mass: [0.8, 1.2]
                  damping: 0.05        # fixed: damping does not vary
                ood:
                  mass: [3.0, 4.0]
                  length: [2.0, 2.5]
                change:
                  payload: 0.5
                """);
        run(generate(dir.resolve("heavy"), "--tasks", yaml.toString(), "--set", "ood.damping=[0.1,0.3]"));
        List<Row> tasks = spark.read().parquet(dir.resolve("heavy/tasks").toString()).orderBy("task_id").collectAsList();
        assertEquals(22, tasks.size());
        for (Row t : tasks) {
            Map<String, Double> p = t.getJavaMap(t.fieldIndex("params"));
            String where = "task " + t.getLong(0) + " " + p;
            if (t.getString(t.fieldIndex("split")).equals("ood")) {
                assertTrue(p.get("mass") >= 3.0 && p.get("mass") <= 4.0, where);
                assertTrue(p.get("length") >= 2.0 && p.get("length") <= 2.5, where);
                assertTrue(p.get("damping") >= 0.1 && p.get("damping") <= 0.3, where);
            } else {
                assertTrue(p.get("mass") >= 0.8 && p.get("mass") <= 1.2, where);
                assertTrue(p.get("length") >= 0.5 && p.get("length") <= 1.5, where + " (default length range)");
                assertEquals(0.05, p.get("damping"), 0.0, where);
            }
        }
        JsonNode recorded = new ObjectMapper().readTree(dir.resolve("heavy/dataset.json").toFile()).path("task_ranges");
        assertEquals(0.5, recorded.path("change").path("payload").asDouble(), 0.0);
        assertEquals("[3.0,4.0]", recorded.path("ood").path("mass").toString());

        // The defaults written out as a file, and no file at all, give the same tasks and transitions.
        Path defaults = dir.resolve("defaults.yaml");
        Files.writeString(defaults, """
                nominal: {mass: [0.5, 1.5], length: [0.5, 1.5], damping: [0.0, 0.2]}
                ood: {mass: [2.0, 3.0], length: [1.6, 2.0], damping: [0.0, 0.2]}
                change: {payload: 1.0}
                """);
        run(generate(dir.resolve("plain")));
        run(generate(dir.resolve("restated"), "--family", "pendulum", "--tasks", defaults.toString()));
        for (String table : List.of("tasks", "transitions")) {
            List<Row> a = sorted(dir.resolve("plain").resolve(table));
            List<Row> b = sorted(dir.resolve("restated").resolve(table));
            assertEquals(a.size(), b.size(), table);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).toString(), b.get(i).toString(), table + " row " + i);
            }
        }
        assertEquals(new ObjectMapper().readTree(dir.resolve("plain/dataset.json").toFile()),
                new ObjectMapper().readTree(dir.resolve("restated/dataset.json").toFile()));
    }

    @Test
    void badDistributionsAreOneLineNamingFileKeyAndValueAndWriteNothing() throws IOException {
        Path dir = Fixtures.scratch("tasks-bad");
        Path out = dir.resolve("out");
        Path negative = write(dir, "negative.yaml", "ood:\n  mass: [-1.0, 2.0]\n");
        Rejections.rejects(generate(out, "--tasks", negative.toString()), negative.toString(),
                "ood.mass = [-1.0, 2.0] must lie in (0, inf) (a mass in kg)");
        Path gain = write(dir, "gain.yaml", "family: reacher-damage\nnominal:\n  gain: [0.5, 1.5]\n");
        Rejections.rejects(generate(out, "--tasks", gain.toString()), "nominal.gain = [0.5, 1.5] must lie in [0, 1]");
        Path unknown = write(dir, "unknown.yaml", "nominal:\n  gravity: [9.0, 10.0]\n");
        Rejections.rejects(generate(out, "--tasks", unknown.toString()), "unknown key 'nominal.gravity'",
                "pendulum draws damping, length, mass");
        Path reversed = write(dir, "reversed.yaml", "nominal:\n  mass: [2.0, 1.0]\n");
        Rejections.rejects(generate(out, "--tasks", reversed.toString()), "nominal.mass must be [lo, hi] with finite lo <= hi");
        Path section = write(dir, "section.yaml", "train:\n  mass: [1.0, 2.0]\n");
        Rejections.rejects(generate(out, "--tasks", section.toString()), "unknown section 'train'");
        Path syntax = write(dir, "syntax.yaml", "nominal:\n  mass: [1.0, 2.0\n");
        Rejections.rejects(generate(out, "--tasks", syntax.toString()), syntax.toString(), "is not valid YAML", "line");
        Rejections.rejects(generate(out, "--family", "slope", "--tasks", gain.toString()),
                "--family slope disagrees with family: reacher-damage");
        Rejections.rejects(generate(out, "--family", "cartpole", "--set", "change.added_mass=-0.2"),
                "change.added_mass = -0.2 must be in [0, inf)");
        Rejections.rejects(generate(out, "--set", "mass=1"), "--set takes section.key=value");
        assertEquals(List.of(), Rejections.listing(out), "nothing written");
    }

    /** A table's rows in a fixed order (doubles print exactly, so equal strings mean equal bits). */
    private static List<Row> sorted(Path table) {
        var df = spark.read().parquet(table.toString());
        return (df.columns().length > 5 ? df.orderBy("task_id", "episode", "step") : df.orderBy("task_id")).collectAsList();
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
