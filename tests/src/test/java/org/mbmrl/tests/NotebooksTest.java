package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Zeppelin notes in {@code notebooks/} are well-formed Zeppelin 0.10/0.11 notes, and every
 * query they hold works on real outputs: a small run is generated, trained and evaluated here,
 * then each note's setup paragraph is replayed (the views it registers) and each of its
 * {@code %spark.sql} paragraphs is run on the shared {@code local[2]} session with the note
 * form filled in, and must return rows whose columns include the ones its chart plots.
 *
 * <p>The setup paragraphs are kept to a few regular line shapes so that this test can replay
 * them without a Scala interpreter: {@code val x = z.noteTextbox("form", "default")...},
 * {@code spark.read[.option("k", "v")].parquet|json(s"$x/...").createOrReplaceTempView("v")}
 * and {@code spark.sql("...").createOrReplaceTempView("v")}. Any other line fails the test.
 */
class NotebooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NOTEBOOKS = repoRoot().resolve("notebooks");
    private static final List<String> NOTES = List.of("training-curves.zpln", "adaptation-evaluation.zpln",
            "control-evaluation.zpln", "dataset-explorer.zpln");
    private static final List<String> TOP_LEVEL = List.of("name", "id", "paragraphs", "config", "info", "angularObjects",
            "noteForms", "noteParams", "version");

    private static Path runs;
    private static Map<String, String> forms;

    /** Two short runs (maml, reptile) under one parent, evaluated, and a control-evaluation table. */
    @BeforeAll
    static void produceRuns() {
        long start = System.nanoTime();
        SharedSpark.local2();
        Path dataset = timed("dataset", Fixtures::smallDataset);
        runs = Fixtures.scratch("notebook-runs");
        Path maml = runs.resolve("maml");
        Path reptile = runs.resolve("reptile");
        timedStep("train maml", () -> assertOk(Fixtures.train("maml", maml, 3, Fixtures.SMALL_CONTROL)));
        timedStep("train reptile", () -> assertOk(Fixtures.train("reptile", reptile, 3)));
        timedStep("evaluate", () -> {
            assertOk(SharedSpark.cli("evaluate", "--run", maml.toString(), "--split", "test"));
            assertOk(SharedSpark.cli("evaluate", "--run", maml.toString(), "--split", "ood"));
            assertOk(SharedSpark.cli("evaluate", "--run", reptile.toString(), "--split", "ood"));
        });
        timedStep("control evaluation", () -> assertOk(SharedSpark.cli("evaluate", "--run", maml.toString(), "--control",
                "--reference")));
        forms = Map.of("run_dir", runs + "/*", "dataset_dir", dataset.toString());
        System.out.printf("NotebooksTest: runs produced in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static <T> T timed(String what, java.util.function.Supplier<T> step) {
        long start = System.nanoTime();
        T result = step.get();
        System.out.printf("NotebooksTest: %s in %.1f s%n", what, (System.nanoTime() - start) / 1e9);
        return result;
    }

    private static void timedStep(String what, Runnable step) {
        timed(what, () -> {
            step.run();
            return null;
        });
    }

    private static void assertOk(SharedSpark.Run r) {
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void everyNoteIsAWellFormedZeppelinNoteWithClearedResults() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            Set<String> present = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".zpln"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(NOTES), present, "notes in notebooks/");
        }
        Set<String> noteIds = new HashSet<>();
        for (String file : NOTES) {
            JsonNode note = JSON.readTree(NOTEBOOKS.resolve(file).toFile());
            for (String field : TOP_LEVEL) {
                assertTrue(note.has(field), file + ": no top-level field " + field);
            }
            assertTrue(noteIds.add(note.path("id").asText()), file + ": note id not unique");
            assertTrue(note.path("paragraphs").isArray() && note.path("paragraphs").size() > 1, file + ": paragraphs");

            String form = formOf(file);
            JsonNode noteForm = note.path("noteForms").path(form);
            assertEquals("TextBox", noteForm.path("type").asText(), file + ": note form " + form);
            assertEquals(form, noteForm.path("name").asText(), file + ": note form name");
            assertFalse(noteForm.path("defaultValue").asText().isBlank(), file + ": note form default");

            Set<String> paragraphIds = new HashSet<>();
            int setups = 0;
            int queries = 0;
            for (JsonNode p : note.path("paragraphs")) {
                String id = p.path("id").asText();
                String where = file + " paragraph " + id;
                assertFalse(id.isBlank(), file + ": paragraph without id");
                assertTrue(paragraphIds.add(id), where + ": id not unique");
                assertTrue(p.path("text").isTextual(), where + ": text");
                assertTrue(p.path("config").isObject(), where + ": config");
                assertTrue(p.path("config").path("editorSetting").isObject(), where + ": config.editorSetting");
                assertTrue(p.path("config").path("results").isObject(), where + ": config.results");
                assertTrue(p.path("settings").path("params").isObject() && p.path("settings").path("forms").isObject(),
                        where + ": settings {params, forms}");
                assertEquals("READY", p.path("status").asText(), where + ": status");
                JsonNode results = p.path("results");
                assertTrue(results.isMissingNode() || results.isNull() || results.path("msg").isEmpty(),
                        where + ": results not cleared");
                for (String stale : List.of("dateStarted", "dateFinished", "errorMessage")) {
                    assertFalse(p.has(stale), where + ": " + stale + " (run state) not cleared");
                }
                switch (interpreter(p)) {
                    case "%md" -> { }
                    case "%spark" -> setups++;
                    case "%spark.sql" -> {
                        queries++;
                        assertTrue(p.path("config").path("results").path("0").path("graph").path("mode").isTextual(),
                                where + ": no chart settings (config.results.0.graph.mode)");
                    }
                    default -> fail(where + ": unexpected interpreter " + interpreter(p));
                }
            }
            assertEquals(1, setups, file + ": one %spark setup paragraph");
            assertTrue(queries >= 3, file + ": at least three %spark.sql paragraphs");
        }
    }

    @Test
    void everyQueryOfEveryNoteReturnsRowsOnARealRun() throws IOException {
        SparkSession spark = SharedSpark.local2();
        for (String file : NOTES) {
            long start = System.nanoTime();
            JsonNode note = JSON.readTree(NOTEBOOKS.resolve(file).toFile());
            List<String> views = new ArrayList<>();
            int queries = 0;
            for (JsonNode p : note.path("paragraphs")) {
                String where = file + " paragraph \"" + p.path("title").asText() + "\"";
                String body = body(p);
                switch (interpreter(p)) {
                    case "%spark" -> views.addAll(replaySetup(spark, body, note.path("noteForms"), where));
                    case "%spark.sql" -> {
                        queries++;
                        Dataset<Row> result;
                        try {
                            result = spark.sql(substituteNoteForms(body, where));
                        } catch (RuntimeException e) {
                            throw new AssertionError(where + ": " + e.getMessage(), e);
                        }
                        List<Row> rows = result.collectAsList();
                        assertFalse(rows.isEmpty(), where + ": no rows");
                        List<String> columns = List.of(result.columns());
                        JsonNode graph = p.path("config").path("results").path("0").path("graph");
                        for (String axis : List.of("keys", "groups", "values")) {
                            for (JsonNode c : graph.path(axis)) {
                                String name = c.path("name").asText();
                                assertTrue(columns.contains(name), where + ": chart " + axis + " column " + name
                                        + " not among the result's columns " + columns);
                                assertEquals(columns.indexOf(name), c.path("index").asInt(),
                                        where + ": chart column " + name + " index");
                            }
                        }
                    }
                    default -> { }
                }
            }
            assertFalse(views.isEmpty(), file + ": the setup paragraph registered no view");
            if (!file.equals("dataset-explorer.zpln")) {
                // The note compares runs: both runs of the glob are told apart by name.
                String view = views.get(views.size() - 1);
                List<Row> runNames = spark.sql("SELECT DISTINCT run FROM " + view + " ORDER BY run").collectAsList();
                List<String> expected = file.equals("control-evaluation.zpln") ? List.of("maml") : List.of("maml", "reptile");
                assertEquals(expected, runNames.stream().map(r -> r.getString(0)).toList(), file + ": runs in " + view);
            }
            for (String view : views) {
                spark.catalog().dropTempView(view);
            }
            System.out.printf("NotebooksTest: %s: %d views, %d queries in %.1f s%n", file, views.size(), queries,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    // --- the setup paragraph, replayed ------------------------------------------------------

    private static final Pattern FORM_VAL = Pattern.compile(
            "val (\\w+) = z\\.noteTextbox\\(\"(\\w+)\", \"([^\"]*)\"\\)\\.toString\\.trim\\.stripSuffix\\(\"/\"\\)");
    private static final Pattern READ = Pattern.compile(
            "spark\\.read((?:\\.option\\(\"[^\"]*\", \"[^\"]*\"\\))*)\\.(parquet|json)\\(s?\"([^\"]*)\"\\)"
                    + "\\.createOrReplaceTempView\\(\"(\\w+)\"\\)");
    private static final Pattern OPTION = Pattern.compile("\\.option\\(\"([^\"]*)\", \"([^\"]*)\"\\)");
    private static final Pattern SQL_VIEW = Pattern.compile(
            "spark\\.sql\\(\"([^\"]*)\"\\)\\.createOrReplaceTempView\\(\"(\\w+)\"\\)");
    private static final Pattern SCALA_VAR = Pattern.compile("\\$\\{?(\\w+)}?");

    /** Does what the {@code %spark} paragraph does; returns the views it registered. */
    private static List<String> replaySetup(SparkSession spark, String body, JsonNode noteForms, String where) {
        Map<String, String> vars = new HashMap<>();
        List<String> views = new ArrayList<>();
        for (String raw : body.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            Matcher m;
            if ((m = FORM_VAL.matcher(line)).matches()) {
                String form = m.group(2);
                assertEquals(noteForms.path(form).path("defaultValue").asText(), m.group(3),
                        where + ": default of " + form + " differs from the note's form");
                String value = forms.get(form);
                assertNotNull(value, where + ": unknown form " + form);
                vars.put(m.group(1), stripSuffix(value.trim(), "/"));
            } else if ((m = READ.matcher(line)).matches()) {
                DataFrameReader reader = spark.read();
                Matcher o = OPTION.matcher(m.group(1));
                while (o.find()) {
                    reader = reader.option(o.group(1), o.group(2));
                }
                String path = interpolate(m.group(3), vars, where);
                Dataset<Row> df = m.group(2).equals("json") ? reader.json(path) : reader.parquet(path);
                df.createOrReplaceTempView(m.group(4));
                views.add(m.group(4));
            } else if ((m = SQL_VIEW.matcher(line)).matches()) {
                spark.sql(m.group(1)).createOrReplaceTempView(m.group(2));
                views.add(m.group(2));
            } else {
                fail(where + ": a line this test cannot replay (keep setup paragraphs to the regular shapes): " + line);
            }
        }
        return views;
    }

    private static String interpolate(String scala, Map<String, String> vars, String where) {
        Matcher m = SCALA_VAR.matcher(scala);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            assertNotNull(value, where + ": undefined variable " + m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    // --- Zeppelin's note forms in %spark.sql: $${name} or $${name=default} ----------------------

    private static final Pattern NOTE_FORM = Pattern.compile("\\$\\$\\{(\\w+)(=[^}]*)?}");

    private static String substituteNoteForms(String sql, String where) {
        Matcher m = NOTE_FORM.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = forms.get(m.group(1));
            assertNotNull(value, where + ": unknown note form " + m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        assertFalse(out.toString().contains("${"), where + ": a form left unsubstituted");
        return out.toString();
    }

    // --- helpers ------------------------------------------------------------------------------

    private static String formOf(String file) {
        return file.equals("dataset-explorer.zpln") ? "dataset_dir" : "run_dir";
    }

    private static String interpreter(JsonNode paragraph) {
        String text = paragraph.path("text").asText();
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }

    private static String body(JsonNode paragraph) {
        String text = paragraph.path("text").asText();
        int end = text.indexOf('\n');
        return end < 0 ? "" : text.substring(end + 1);
    }

    private static String stripSuffix(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }

    /** The repository root: the tests module's parent (Surefire runs in tests/). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("notebooks")) && Files.isDirectory(p.resolve("deploy"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + here);
    }
}
