package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mbmrl import}: LeRobot-layout Parquet (written by DuckDB), a Minari-layout HDF5
 * fixture (written by tests/src/test/resources/minari/make_fixture.py with h5py) and CSV with
 * a mapping are imported, their transitions compared value for value with the source, trained
 * on and evaluated; bad outside data is refused in one line with nothing written.
 */
class ImportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SharedSpark.local2();
    }

    // ---- the formulas the sources are written from (multiples of 1/64: exact in float32) ----

    private static float obs(int task, int episode, int t, int j) {
        return (float) (((t * (j + 1) + 5 * task + 3 * episode) % 32) / 16.0 - 1.0);
    }

    private static float act(int task, int episode, int t) {
        return (float) (((7 * t + 3 * task + episode) % 16) / 8.0 - 1.0);
    }

    private static float rew(int task, int episode, int t) {
        return (float) (-((t + task + episode) % 64) / 64.0);
    }

    private static List<String> trainArgs(String algorithm, Path data, Path run, int metaBatch, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--set", "algorithm=" + algorithm, "--set", "dataset=" + data,
                "--set", "run_dir=" + run, "--set", "seed=3", "--set", "model.hidden=[16, 16]", "--set", "adapt.past=8",
                "--set", "adapt.future=8", "--set", "train.iterations=3", "--set", "train.meta_batch=" + metaBatch,
                "--set", "train.segments=2", "--set", "train.checkpoint_every=3", "--set", "evaluate.segments=2"));
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        return args;
    }

    private static SharedSpark.Run ok(List<String> args) {
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), args + ": " + r.err());
        return r;
    }

    private static JsonNode manifest(Path dataset) throws IOException {
        return JSON.readTree(dataset.resolve("dataset.json").toFile());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The transitions table keyed "task_id/episode/step". */
    private static Map<String, Row> transitions(Path dataset) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : spark.read().parquet(dataset.resolve("transitions").toString()).collectAsList()) {
            out.put(r.getLong(r.fieldIndex("task_id")) + "/" + r.getInt(r.fieldIndex("episode")) + "/"
                    + r.getInt(r.fieldIndex("step")), r);
        }
        return out;
    }

    private static float[] floats(Row r, String column) {
        List<Object> l = r.getList(r.fieldIndex(column));
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) l.get(i);
        }
        return out;
    }

    private static float[] obsVector(int task, int episode, int t) {
        return new float[] {obs(task, episode, t, 0), obs(task, episode, t, 1), obs(task, episode, t, 2)};
    }

    // ---- LeRobot ----

    /** 6 tasks x 2 episodes x 25 frames; episode e belongs to task e / 2, its within-task number is e % 2. */
    private static Path lerobotParquet(Path dir) throws Exception {
        Path file = dir.resolve("episodes.parquet");
        StringBuilder state = new StringBuilder();
        for (int j = 0; j < 3; j++) {
            state.append(j == 0 ? "" : ", ").append("CAST(((f * ").append(j + 1)
                    .append(" + 5 * task + 3 * (e % 2)) % 32) / 16.0 - 1.0 AS FLOAT)");
        }
        String sql = "COPY (SELECT e AS episode_index, f AS frame_index, task AS task_index, [" + state + "] AS \"observation.state\","
                + " [CAST(((7 * f + 3 * task + (e % 2)) % 16) / 8.0 - 1.0 AS FLOAT)] AS action,"
                + " CAST(-((f + task + (e % 2)) % 64) / 64.0 AS FLOAT) AS \"next.reward\", f = 24 AS \"next.done\""
                + " FROM (SELECT e, CAST(floor(e / 2) AS BIGINT) AS task FROM range(12) t1(e)) AS eps, range(25) t2(f)"
                + " ORDER BY e DESC, f) TO '" + file + "' (FORMAT PARQUET)";
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return file;
    }

    @Test
    void lerobotParquetImportsExactlyTrainsAndEvaluates() throws Exception {
        Path dir = Fixtures.scratch("lerobot");
        Path source = lerobotParquet(dir);
        Path data = dir.resolve("data");
        ok(List.of("import", source.toString(), "--format", "lerobot", "--out", data.toString(), "--min-episode-length", "16"));

        JsonNode m = manifest(data);
        assertEquals("external", m.get("family").asText());
        assertEquals(3, m.get("observation_dim").asInt());
        assertEquals(1, m.get("action_dim").asInt());
        assertEquals(List.of(4, 1, 1), List.of(m.get("train_tasks").asInt(), m.get("test_tasks").asInt(), m.get("ood_tasks").asInt()));
        JsonNode p = m.get("provenance");
        assertEquals("lerobot", p.at("/source/format").asText());
        assertEquals(sha256(source), p.at("/source/fingerprint").asText());
        assertEquals(source.toString(), p.at("/source/path").asText());
        assertEquals(300, p.at("/rows/source_rows").asInt());
        assertEquals(12 * 24, p.at("/rows/transitions").asInt());
        assertEquals(12, p.at("/rows/dropped_last_frames").asInt());
        assertEquals("observation.state", p.at("/mapping/observation/0").asText());
        assertEquals("task_index", p.at("/mapping/task").asText());

        // Every transition is the source's: frame s -> s + 1 of its episode, the last frame dropped.
        Map<String, Row> rows = transitions(data);
        assertEquals(12 * 24, rows.size());
        JsonNode ids = p.get("task_ids");
        for (int task = 0; task < 6; task++) {
            long id = ids.get(Integer.toString(task)).asLong();
            for (int ep = 0; ep < 2; ep++) {
                for (int s = 0; s < 24; s++) {
                    Row r = rows.get(id + "/" + ep + "/" + s);
                    assertArrayEquals(obsVector(task, ep, s), floats(r, "observation"), "task " + task + " " + ep + "/" + s);
                    assertArrayEquals(obsVector(task, ep, s + 1), floats(r, "next_observation"));
                    assertArrayEquals(new float[] {act(task, ep, s)}, floats(r, "action"));
                    assertEquals(rew(task, ep, s), r.getFloat(r.fieldIndex("reward")));
                    assertFalse(r.getBoolean(r.fieldIndex("terminated")));
                }
            }
        }

        Path run = dir.resolve("runs/maml");
        ok(trainArgs("maml", data, run, 2));
        SharedSpark.Run eval = ok(List.of("evaluate", "--run", run.toString(), "--split", "test"));
        assertTrue(Files.isDirectory(run.resolve("eval/split=test/iteration=3")), eval.out());
        assertEquals(1, spark.read().parquet(run.resolve("eval/split=test").toString()).count());

        // Control needs a simulator: one line saying why, nothing written.
        Rejections.rejects(List.of("evaluate", "--run", run.toString(), "--control"), "family external",
                "no simulator");
        assertFalse(Files.exists(run.resolve("eval/control")));
        Rejections.rejects(List.of("collect", "--run", run.toString(), "--out", dir.resolve("more").toString()),
                "family external", "no simulator");
        assertFalse(Files.exists(dir.resolve("more")));
    }

    // ---- Minari ----

    private static final Path MINARI = Path.of("src", "test", "resources", "minari", "fixture.hdf5").toAbsolutePath();

    @Test
    void minariHdf5ImportsExactlyAndEveryAlgorithmTrains() throws Exception {
        Path dir = Fixtures.scratch("minari");
        Path mapping = dir.resolve("mapping.yaml");
        Files.writeString(mapping, "params: [mass]\nsplit: {test: [2], ood: [3]}\n");
        Path data = dir.resolve("data");
        ok(List.of("import", MINARI.toString(), "--format", "minari", "--mapping", mapping.toString(), "--out",
                data.toString(), "--min-episode-length", "16"));

        JsonNode m = manifest(data);
        assertEquals("external", m.get("family").asText());
        assertEquals(List.of("mass"), List.of(m.get("parameter_names").get(0).asText()));
        assertEquals(List.of(2, 1, 1), List.of(m.get("train_tasks").asInt(), m.get("test_tasks").asInt(), m.get("ood_tasks").asInt()));
        assertEquals(sha256(MINARI), m.at("/provenance/source/fingerprint").asText());
        assertEquals(8 * 30, m.at("/provenance/rows/transitions").asInt());
        assertEquals(0, m.at("/provenance/rows/dropped_last_frames").asInt());

        // Task ids follow the split (train 0, 1; test 2; ood 3) and carry the episodes' mass attribute.
        for (Row t : spark.read().parquet(data.resolve("tasks").toString()).collectAsList()) {
            long id = t.getLong(t.fieldIndex("task_id"));
            assertEquals(id < 2 ? "train" : id == 2 ? "test" : "ood", t.getString(t.fieldIndex("split")));
            assertEquals(1.0 + 0.5 * id, t.<String, Double>getJavaMap(t.fieldIndex("params")).get("mass"));
            assertEquals("external", t.getString(t.fieldIndex("family")));
        }
        Map<String, Row> rows = transitions(data);
        assertEquals(8 * 30, rows.size());
        for (int task = 0; task < 4; task++) {
            for (int ep = 0; ep < 2; ep++) {
                for (int s = 0; s < 30; s++) {
                    Row r = rows.get(task + "/" + ep + "/" + s);
                    assertArrayEquals(obsVector(task, ep, s), floats(r, "observation"));
                    assertArrayEquals(obsVector(task, ep, s + 1), floats(r, "next_observation"));
                    assertArrayEquals(new float[] {act(task, ep, s)}, floats(r, "action"));
                    assertEquals(rew(task, ep, s), r.getFloat(r.fieldIndex("reward")));
                    assertEquals(s == 29, r.getBoolean(r.fieldIndex("truncated")));
                    assertFalse(r.getBoolean(r.fieldIndex("terminated")));
                }
            }
        }

        for (String algorithm : List.of("reptile", "famle", "vi")) {
            Path run = dir.resolve("runs/" + algorithm);
            ok(trainArgs(algorithm, data, run, 2));
            ok(List.of("evaluate", "--run", run.toString(), "--split", "ood"));
            assertEquals(1, spark.read().parquet(run.resolve("eval/split=ood").toString()).count(), algorithm);
        }
    }

    @Test
    void minariDefaultsTakeTheTaskIdAttribute() throws Exception {
        Path out = Fixtures.scratch("minari-default").resolve("data");
        ok(List.of("import", MINARI.toString(), "--format", "minari", "--out", out.toString(), "--min-episode-length", "16"));
        JsonNode m = manifest(out);
        assertEquals(4, m.get("train_tasks").asInt() + m.get("test_tasks").asInt() + m.get("ood_tasks").asInt());
        assertEquals(2, m.get("episodes_per_task").asInt());
        assertEquals("task_id", m.at("/provenance/mapping/task").asText());
    }

    // ---- CSV with a mapping ----

    private static final String CSV_HEADER = "ep,t,robot,x,y,u,r,done,mass";

    /** 10 robots (tasks) x 1 episode x 20 rows; lines edited by {@code edit}. */
    private static Path csv(Path dir, UnaryOperator<List<String>> edit) throws IOException {
        List<String> lines = new ArrayList<>(List.of(CSV_HEADER));
        for (int robot = 0; robot < 10; robot++) {
            for (int t = 0; t < 20; t++) {
                lines.add(robot + "," + t + ",r" + robot + "," + t / 8.0 + "," + robot / 4.0 + "," + ((t * 3) % 8 / 4.0 - 1)
                        + "," + (-t / 64.0) + "," + (t == 19) + "," + (1 + robot / 2.0));
            }
        }
        Path file = dir.resolve("log.csv");
        Files.write(file, edit.apply(lines));
        return file;
    }

    private static final String CSV_MAPPING = String.join("\n", "episode: ep", "step: t", "task: robot",
            "observation: [x, y]", "action: u", "reward: r", "terminated: done", "params: [mass]",
            "split: {seed: 7, test: 0.2, ood: 0.1}", "");

    private static Path mapping(Path dir, String yaml) throws IOException {
        Path file = dir.resolve("mapping.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void csvWithMappingAndSeededSplit() throws Exception {
        Path dir = Fixtures.scratch("csv");
        Path source = csv(dir, l -> l);
        Path map = mapping(dir, CSV_MAPPING);
        List<List<String>> splits = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Path out = dir.resolve(name);
            ok(List.of("import", source.toString(), "--format", "csv", "--mapping", map.toString(), "--out", out.toString(),
                    "--min-episode-length", "16"));
            JsonNode m = manifest(out);
            assertEquals(List.of(7, 2, 1), List.of(m.get("train_tasks").asInt(), m.get("test_tasks").asInt(), m.get("ood_tasks").asInt()));
            assertEquals(7, m.get("seed").asLong());
            assertEquals(7, m.at("/provenance/mapping/split/seed").asLong());
            assertEquals("csv", m.at("/provenance/source/format").asText());
            assertEquals(200, m.at("/provenance/rows/source_rows").asInt());
            assertEquals(190, m.at("/provenance/rows/transitions").asInt());
            List<String> bySplit = new ArrayList<>();
            JsonNode ids = m.at("/provenance/task_ids");
            for (Row t : spark.read().parquet(out.resolve("tasks").toString()).orderBy("task_id").collectAsList()) {
                long id = t.getLong(0);
                String robot = null;
                for (var it = ids.fields(); it.hasNext();) {
                    var e = it.next();
                    robot = e.getValue().asLong() == id ? e.getKey() : robot;
                }
                bySplit.add(t.getString(t.fieldIndex("split")) + ":" + robot);
                int k = Integer.parseInt(robot.substring(1));
                assertEquals(1 + k / 2.0, t.<String, Double>getJavaMap(t.fieldIndex("params")).get("mass"));
            }
            splits.add(bySplit);
            Map<String, Row> rows = transitions(out);
            long r3 = ids.get("r3").asLong();
            Row r = rows.get(r3 + "/0/5");
            assertArrayEquals(new float[] {5 / 8f, 3 / 4f}, floats(r, "observation"));
            assertArrayEquals(new float[] {6 / 8f, 3 / 4f}, floats(r, "next_observation"));
            assertArrayEquals(new float[] {(float) (15 % 8 / 4.0 - 1)}, floats(r, "action"));
            assertEquals(-5 / 64f, r.getFloat(r.fieldIndex("reward")));
        }
        assertEquals(splits.get(0), splits.get(1), "the same seed gives the same split");
        Path other = dir.resolve("seed8");
        ok(List.of("import", source.toString(), "--format", "csv", "--mapping",
                mapping(dir, CSV_MAPPING.replace("seed: 7", "seed: 8")).toString(), "--out", other.toString(),
                "--min-episode-length", "16"));
        assertNotEquals(manifest(dir.resolve("a")).at("/provenance/task_ids"), manifest(other).at("/provenance/task_ids"));

        Path run = dir.resolve("runs/maml");
        ok(trainArgs("pooled", dir.resolve("a"), run, 4));
        ok(List.of("evaluate", "--run", run.toString(), "--split", "test"));
        assertEquals(2, spark.read().parquet(run.resolve("eval/split=test").toString()).count());
    }

    @Test
    void genericParquetWithMappingEqualsTheCsvImport() throws Exception {
        // A table as pandas writes it (int64, double, boolean and string columns), here via Spark.
        Path dir = Fixtures.scratch("parquet");
        Path source = dir.resolve("log.parquet");
        spark.read().option("header", "true").option("inferSchema", "true").csv(csv(dir, l -> l).toString()).coalesce(1)
                .write().parquet(source.toString());
        Path map = mapping(dir, CSV_MAPPING);
        Path fromParquet = dir.resolve("from-parquet");
        Path fromCsv = dir.resolve("from-csv");
        ok(List.of("import", source.toString(), "--format", "parquet", "--mapping", map.toString(), "--out",
                fromParquet.toString(), "--min-episode-length", "16"));
        ok(List.of("import", dir.resolve("log.csv").toString(), "--format", "csv", "--mapping", map.toString(), "--out",
                fromCsv.toString(), "--min-episode-length", "16"));
        assertEquals("parquet", manifest(fromParquet).at("/provenance/source/format").asText());
        assertEquals(manifest(fromCsv).at("/provenance/task_ids"), manifest(fromParquet).at("/provenance/task_ids"));
        assertEquals(transitions(fromCsv).toString(), transitions(fromParquet).toString());
    }

    @Test
    void mappingMayNameARegisteredFamily() throws Exception {
        Path dir = Fixtures.scratch("csv-pendulum");
        Path source = csv(dir, lines -> lines.stream().map(l -> l + (l.equals(CSV_HEADER) ? ",z,length,damping" : ",0.5,1.0,0.1"))
                .toList());
        String yaml = CSV_MAPPING.replace("observation: [x, y]", "observation: [x, y, z]")
                .replace("params: [mass]", "params: [damping, mass, length]") + "family: pendulum\n";
        Path out = dir.resolve("data");
        ok(List.of("import", source.toString(), "--format", "csv", "--mapping", mapping(dir, yaml).toString(), "--out",
                out.toString(), "--min-episode-length", "16"));
        JsonNode m = manifest(out);
        assertEquals("pendulum", m.get("family").asText());
        assertEquals("[\"mass\",\"length\",\"damping\"]", m.get("parameter_names").toString());
        for (Row t : spark.read().parquet(out.resolve("tasks").toString()).collectAsList()) {
            assertEquals("pendulum", t.getString(t.fieldIndex("family")));
            assertEquals(1.0, t.<String, Double>getJavaMap(t.fieldIndex("params")).get("length"));
        }
        // The family's dimensions must match the data's.
        Path bad = dir.resolve("bad").resolve("data");
        Rejections.rejects(List.of("import", source.toString(), "--format", "csv", "--mapping",
                mapping(dir, yaml.replace("observation: [x, y, z]", "observation: [x, y]")).toString(), "--out",
                bad.toString(), "--min-episode-length", "16"), "family pendulum", "observation width 2");
        assertEquals(List.of(), Rejections.listing(bad.getParent()));
    }

    /**
     * Logged pendulum data in LeRobot's layout (DuckDB writes it from a generated dataset's
     * tables, one frame per step) with a mapping naming the pendulum: the imported tasks keep
     * their parameters, and control runs on them, with the change the family defines.
     */
    @Test
    void aRegisteredFamilysImportRunsControl() throws Exception {
        Path dir = Fixtures.scratch("lerobot-pendulum");
        Path generated = Fixtures.smallDataset();
        Path source = dir.resolve("pendulum.parquet");
        String sql = "COPY (SELECT x.task_id AS task_index, x.task_id * 10 + x.episode AS episode_index, x.step AS frame_index,"
                + " x.observation AS \"observation.state\", x.action AS action, x.reward AS \"next.reward\","
                + " x.terminated AS \"next.done\", map_extract(k.params, 'mass')[1] AS mass,"
                + " map_extract(k.params, 'length')[1] AS length, map_extract(k.params, 'damping')[1] AS damping"
                + " FROM read_parquet('" + generated.resolve("transitions") + "/*.parquet') x"
                + " JOIN read_parquet('" + generated.resolve("tasks") + "/*.parquet') k ON x.task_id = k.task_id"
                + " ORDER BY 2, 3) TO '" + source + "' (FORMAT PARQUET)";
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(sql);
        }
        // The generated dataset's ids: 12 train, 3 test (12-14), 3 ood (15-17).
        Path mapping = mapping(dir, "family: pendulum\nparams: [mass, length, damping]\n"
                + "split: {test: [12, 13, 14], ood: [15, 16, 17]}\n");
        Path data = dir.resolve("data");
        ok(List.of("import", source.toString(), "--format", "lerobot", "--mapping", mapping.toString(), "--out", data.toString(),
                "--min-episode-length", "16"));
        Map<Long, Map<String, Double>> before = new TreeMap<>();
        for (Row t : spark.read().parquet(generated.resolve("tasks").toString()).collectAsList()) {
            before.put(t.getLong(0), t.getJavaMap(t.fieldIndex("params")));
        }
        for (Row t : spark.read().parquet(data.resolve("tasks").toString()).collectAsList()) {
            assertEquals(before.get(t.getLong(0)), t.getJavaMap(t.fieldIndex("params")), "task " + t.getLong(0));
        }
        Map<String, Row> imported = transitions(data);
        Map<String, Row> original = transitions(generated);
        assertEquals(original.size() - 18 * 2, imported.size(), "every episode's last frame dropped");
        for (Map.Entry<String, Row> e : imported.entrySet()) {
            Row o = original.get(e.getKey());
            for (String col : List.of("observation", "action", "next_observation")) {
                assertArrayEquals(floats(o, col), floats(e.getValue(), col), e.getKey() + " " + col);
            }
        }
        Path run = dir.resolve("run");
        List<String> train = new ArrayList<>(trainArgs("maml", data, run, 4));
        for (String c : Fixtures.SMALL_CONTROL) {
            train.add("--set");
            train.add(c);
        }
        ok(train);
        SharedSpark.Run r = ok(List.of("evaluate", "--run", run.toString(), "--control", "--split", "ood"));
        assertTrue(r.out().contains("control on pendulum"), r.out());
        List<Row> episodes = spark.read().parquet(run.resolve("eval/control").toString()).collectAsList();
        assertEquals(java.util.Set.of(15L, 16L), episodes.stream().map(e -> e.getLong(e.fieldIndex("task_id")))
                .collect(java.util.stream.Collectors.toSet()), "control.tasks = 2 of the ood tasks");
        assertEquals(java.util.Set.of(true, false), episodes.stream().map(e -> e.getBoolean(e.fieldIndex("changed")))
                .collect(java.util.stream.Collectors.toSet()), "without and with the change");
        for (Row e : episodes) {
            assertTrue(Double.isFinite(e.getDouble(e.fieldIndex("return"))), e.toString());
        }
    }

    // ---- bad outside data ----

    /** Imports the csv made by {@code edit} with {@code yaml}; exit 2, one line with every {@code expected}, nothing written. */
    private static void refusedCsv(UnaryOperator<List<String>> edit, String yaml, List<String> extra, String... expected)
            throws IOException {
        Path dir = Fixtures.scratch("bad-csv");
        Path source = csv(dir, edit);
        Path out = Files.createDirectories(dir.resolve("out")).resolve("data");
        List<String> args = new ArrayList<>(List.of("import", source.toString(), "--format", "csv", "--mapping",
                mapping(dir, yaml).toString(), "--out", out.toString()));
        args.addAll(extra.isEmpty() ? List.of("--min-episode-length", "16") : extra);
        Rejections.rejects(args, expected);
        try (var left = Files.list(out.getParent())) {
            assertEquals(List.of(), left.toList(), "nothing written at or beside --out (no hidden temporary either)");
        }
    }

    private static UnaryOperator<List<String>> replaceLine(String prefix, String replacement) {
        return lines -> lines.stream().map(l -> l.startsWith(prefix) ? replacement : l).toList();
    }

    @Test
    void missingMappedColumn() throws IOException {
        refusedCsv(l -> l, CSV_MAPPING.replace("observation: [x, y]", "observation: [x, z]"), List.of(),
                "log.csv", "missing column 'z'", "mapping field observation");
    }

    @Test
    void columnNamedTwice() throws IOException {
        refusedCsv(l -> l, CSV_MAPPING.replace("action: u", "action: x"), List.of(), "mapping.yaml",
                "column 'x' is named twice (observation and action)");
    }

    @Test
    void observationWidthChangesInsideAnEpisode() throws IOException {
        String yaml = CSV_MAPPING.replace("observation: [x, y]", "observation: obs");
        UnaryOperator<List<String>> edit = lines -> {
            List<String> out = new ArrayList<>();
            for (String l : lines) {
                String[] c = l.split(",");
                if (l.equals(CSV_HEADER)) {
                    out.add(CSV_HEADER.replace("x,y", "obs"));
                } else {
                    String cell = c[0].equals("4") && c[1].equals("9") ? "\"[" + c[3] + ", " + c[4] + ", 0.5]\""
                            : "\"[" + c[3] + ", " + c[4] + "]\"";
                    out.add(String.join(",", c[0], c[1], c[2], cell, c[5], c[6], c[7], c[8]));
                }
            }
            return out;
        };
        refusedCsv(edit, yaml, List.of(), "log.csv", "episode 4 frame 9", "'obs' has 3 values", "changes inside the episode");
    }

    @Test
    void frameGap() throws IOException {
        refusedCsv(lines -> lines.stream().filter(l -> !l.startsWith("2,7,")).toList(), CSV_MAPPING, List.of(),
                "log.csv", "episode 2 frame 8", "frames jump from 6 to 8", "column 't'");
    }

    @Test
    void frameRepeat() throws IOException {
        refusedCsv(replaceLine("6,5,", "6,4,r6,0.5,1.5,0.875,-0.078125,false,4.0"), CSV_MAPPING, List.of(),
                "log.csv", "episode 6 frame 4", "frame 4 repeats");
    }

    @Test
    void nanValue() throws IOException {
        refusedCsv(replaceLine("3,11,", "3,11,r3,nan,0.75,0.0,-0.17,false,2.5"), CSV_MAPPING, List.of(),
                "log.csv", "episode 3 frame 11", "column 'x' is NaN");
    }

    @Test
    void infiniteValue() throws IOException {
        refusedCsv(replaceLine("8,2,", "8,2,r8,0.25,2.0,0.5,-inf,false,5.0"), CSV_MAPPING, List.of(),
                "log.csv", "episode 8 frame 2", "column 'r' is -Infinity");
    }

    @Test
    void episodeShorterThanMinLength() throws IOException {
        refusedCsv(l -> l, CSV_MAPPING, List.of("--min-episode-length", "32"), "log.csv", "episode 0",
                "19 transitions", "fewer than --min-episode-length 32");
    }

    @Test
    void defaultMinLengthIsPastPlusFuture() throws IOException {
        // The default config's adapt.past + adapt.future is 16 + 16 = 32 > 19 transitions per episode.
        Path dir = Fixtures.scratch("bad-default-min");
        Path out = dir.resolve("out").resolve("data");
        Rejections.rejects(List.of("import", csv(dir, l -> l).toString(), "--format", "csv", "--mapping",
                mapping(dir, CSV_MAPPING).toString(), "--out", out.toString()), "fewer than --min-episode-length 32");
        assertEquals(List.of(), Rejections.listing(out.getParent()));
    }

    @Test
    void emptyFiles() throws IOException {
        refusedCsv(l -> List.of(), CSV_MAPPING, List.of(), "log.csv", "empty file");
        refusedCsv(l -> List.of(CSV_HEADER), CSV_MAPPING, List.of(), "log.csv", "no rows");
        Path dir = Fixtures.scratch("bad-empty-parquet");
        Path empty = Files.createFile(dir.resolve("episodes.parquet"));
        Path out = dir.resolve("out").resolve("data");
        Rejections.rejects(List.of("import", empty.toString(), "--format", "lerobot", "--out", out.toString()),
                "episodes.parquet", "empty file");
        assertEquals(List.of(), Rejections.listing(out.getParent()));
    }

    @Test
    void minariMissingDataset() throws IOException {
        Path dir = Fixtures.scratch("bad-minari");
        Path out = dir.resolve("out").resolve("data");
        Rejections.rejects(List.of("import", MINARI.toString(), "--format", "minari", "--mapping",
                mapping(dir, "reward: reward\n").toString(), "--out", out.toString(), "--min-episode-length", "16"),
                "fixture.hdf5", "episode_0", "missing dataset 'reward'");
        assertEquals(List.of(), Rejections.listing(out.getParent()));
    }

    @Test
    void helpHasOneLineSummary() {
        SharedSpark.Run r = SharedSpark.cli("import", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Import outside data"), r.out());
        assertTrue(r.out().contains("--min-episode-length"), r.out());
        SharedSpark.Run top = SharedSpark.cli("--help");
        assertTrue(top.out().contains("import"), top.out());
    }
}
