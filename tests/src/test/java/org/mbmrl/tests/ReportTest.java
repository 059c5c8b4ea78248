package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code mbmrl report}: a small maml run trained, evaluated and control-evaluated (with the
 * true-dynamics reference) and a pooled run only trained, reported together; the HTML is
 * self-contained (no remote reference), its data are the runs' tables, and headless Chromium
 * draws every figure without a script error (the page's own render check, read from the
 * DOM) and screenshots a page of many colours. Locations that are not runs are refused in one
 * line with exit 2 and nothing written. Chromium is required: without it this test fails.
 */
class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** http(s) strings in the inlined ECharts that load nothing: XML namespaces and licence links in comments. */
    private static final List<String> NOT_LOADS = List.of("http://www.w3.org/", "http://www.apache.org/licenses/",
            "https://github.com/ecomfe/zrender/blob/master/LICENSE.txt");

    @Test
    void evaluatedAndTrainingOnlyRunsRenderEveryFigureOffline() throws Exception {
        Path chromium = chromium();
        SparkSession spark = SharedSpark.local2();
        Path parent = Fixtures.scratch("report");
        Path maml = parent.resolve("maml");
        Path pooled = parent.resolve("pooled");
        assertOk(Fixtures.train("maml", maml, 6, Fixtures.SMALL_CONTROL));
        assertOk(SharedSpark.cli("evaluate", "--run", maml.toString()));
        assertOk(SharedSpark.cli("evaluate", "--run", maml.toString(), "--control", "--reference", "--split", "ood"));
        assertOk(Fixtures.train("pooled", pooled, 3));

        Path out = parent.resolve("out dir").resolve("report.html");
        SharedSpark.Run r = SharedSpark.cli("report", maml.toString(), pooled.toString(), "--out", out.toString());
        assertOk(r);
        assertTrue(r.out().contains("wrote " + out), r.out());
        String html = Files.readString(out, StandardCharsets.UTF_8);
        System.out.printf("report: %s, %d KB%n", out, Files.size(out) / 1024);
        assertTrue(Files.size(out) > 500_000, "ECharts (~1 MB) is inlined: " + Files.size(out));
        try (var left = Files.list(out.getParent())) {
            assertEquals(List.of(out), left.toList(), "no temporary file left beside the report");
        }
        assertOffline(html);

        // The inlined data are the runs' tables.
        JsonNode data = JSON.readTree(between(html, "<script type=\"application/json\" id=\"report-data\">", "</script>"));
        assertEquals(spark.version(), data.path("versions").path("spark").asText());
        assertEquals(System.getProperty("java.version"), data.path("versions").path("java").asText().split(" ")[0]);
        JsonNode m = data.path("runs").get(0);
        JsonNode p = data.path("runs").get(1);
        assertEquals("maml", m.path("name").asText());
        assertEquals("pooled", p.path("name").asText());
        assertEquals(6, m.path("training").size());
        assertEquals(3, p.path("training").size());
        for (JsonNode point : m.path("training")) {
            assertTrue(point.path("preLoss").isNumber() && point.path("postLoss").isNumber()
                    && point.path("tasksPerSecond").asDouble() > 0, point.toString());
        }
        assertEquals(1, m.path("adaptation").size());
        assertEquals("ood", m.path("adaptation").get(0).path("split").asText());
        assertEquals(3, m.path("adaptation").get(0).path("tasks").asInt(), "the small dataset has 3 ood tasks");
        assertEquals(4, m.path("control").size(), "ood x (without, with the change) x (maml+gradient, true-dynamics)");
        for (JsonNode c : m.path("control")) {
            assertEquals(2, c.path("episodes").asInt(), "control.tasks = 2, one episode each: " + c);
            assertTrue(c.path("meanReturn").asDouble() < 0 && c.path("ci95").asDouble() > 0, c.toString());
        }
        assertEquals(2, m.path("recovery").size());
        for (JsonNode curve : m.path("recovery")) {
            // change at step 20 of 40: offsets -20 .. 19, every step run by both episodes
            assertEquals(40, curve.path("offsets").size(), curve.toString());
            assertEquals(-20, curve.path("offsets").get(0).asInt());
            assertEquals(19, curve.path("offsets").get(39).asInt());
            assertEquals(20, curve.path("changeStep").asInt());
            for (int i = 0; i < 40; i++) {
                assertEquals(2, curve.path("counts").get(i).asInt());
                assertTrue(curve.path("lower").get(i).asDouble() <= curve.path("mean").get(i).asDouble()
                        && curve.path("mean").get(i).asDouble() <= curve.path("upper").get(i).asDouble());
            }
        }
        JsonNode manifest = JSON.readTree(maml.resolve("checkpoints/iter-000006/manifest.json").toFile());
        assertEquals("iter-000006", m.path("provenance").path("checkpoint").asText());
        assertEquals(manifest.path("dataset").path("fingerprint").asText(),
                m.path("provenance").path("datasetFingerprint").asText());
        assertEquals(manifest.path("dataset").path("location").asText(), m.path("provenance").path("datasetLocation").asText());
        assertTrue(m.path("provenance").path("configYaml").asText().contains("algorithm: maml"));
        // The pooled run's absent sections are one line each.
        assertTrue(p.path("missing").path("adaptation").asText().startsWith("not evaluated"), p.toString());
        assertTrue(p.path("missing").path("control").asText().startsWith("no control evaluation"), p.toString());
        assertTrue(p.path("adaptation").isEmpty() && p.path("control").isEmpty() && p.path("recovery").isEmpty());

        // Headless Chromium: the page's render check, then a screenshot.
        Path profile = Files.createDirectories(parent.resolve("chromium-profile"));
        String dom = chromium(chromium, profile, parent.resolve("dump-dom"), "--dump-dom", out.toUri().toString());
        JsonNode status = JSON.readTree(unescapeHtml(between(dom, "<pre id=\"render-status\" hidden=\"\">", "</pre>")));
        System.out.println("render status: " + status);
        assertTrue(status.path("done").asBoolean(), "the page's script finished: " + status);
        assertEquals(0, status.path("errors").size(), "script errors: " + status.path("errors"));
        List<String> ids = new ArrayList<>();
        for (JsonNode f : status.path("figures")) {
            ids.add(f.path("id").asText());
            assertTrue(f.path("width").asInt() > 100 && f.path("height").asInt() > 100, "figure has a size: " + f);
            assertTrue(f.path("painted").asInt() > 5000 && f.path("colors").asInt() >= 3, "figure is drawn: " + f);
        }
        assertEquals(List.of("train-0", "train-1", "adapt-ood", "control-ood", "recovery-ood"), ids);
        assertTrue(status.path("ok").asBoolean(), status.toString());

        Path png = parent.resolve("report.png");
        chromium(chromium, profile, parent.resolve("screenshot"), "--hide-scrollbars", "--window-size=1280,4000",
                "--screenshot=" + png, out.toUri().toString());
        assertTrue(Files.exists(png), "chromium wrote no screenshot " + png);
        assertTrue(Files.size(png) > 50_000, "screenshot is not trivial: " + Files.size(png) + " bytes");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 200, "screenshot has many colours (figures, text): " + colours.size());
        System.out.printf("screenshot: %s, %d KB, %d colours%n", png, Files.size(png) / 1024, colours.size());
    }

    @Test
    void aLocationThatIsNotARunIsOneLineWithExit2AndNothingIsWritten() throws IOException {
        SharedSpark.local2();
        Path dir = Fixtures.scratch("report-bad");
        // A run that has only started (train writes config.yaml first): a valid run without data.
        Path started = Files.createDirectories(dir.resolve("started"));
        Files.writeString(started.resolve("config.yaml"), "algorithm: vi\ndataset: /nowhere\nrun_dir: " + started + "\n");
        Path out = dir.resolve("report.html");
        Files.writeString(out, "previous");

        Path dataset = Fixtures.smallDataset();
        Path absent = dir.resolve("no such run");
        Path file = dir.resolve("report.html");
        for (Object[] c : new Object[][] {{dataset, "not a run directory (no config.yaml"}, {absent, "does not exist"},
                {file, "not a run directory (a file)"}}) {
            SharedSpark.Run r = SharedSpark.cli("report", started.toString(), c[0].toString(), "--out", out.toString());
            assertEquals(2, r.exitCode(), r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains((String) c[1]) && r.err().contains(c[0].toString()), r.err());
            assertEquals("previous", Files.readString(out), "the previous file is untouched");
            try (var left = Files.list(dir)) {
                assertEquals(Set.of(started, out), new HashSet<>(left.toList()), "nothing else written");
            }
        }

        SharedSpark.Run ok = SharedSpark.cli("report", started.toString(), "--out", out.toString());
        assertOk(ok);
        String html = Files.readString(out);
        JsonNode run = JSON.readTree(between(html, "<script type=\"application/json\" id=\"report-data\">", "</script>"))
                .path("runs").get(0);
        assertEquals("vi", run.path("provenance").path("algorithm").asText());
        for (String section : List.of("training", "adaptation", "control", "recovery", "provenance")) {
            assertFalse(run.path("missing").path(section).asText().isBlank(), section + " says why it is empty: " + run);
        }
    }

    /**
     * No element or style of the page loads anything remote (script elements' bodies aside: the inlined
     * library's own strings are not markup), and every http(s) string anywhere is a namespace or a licence link.
     */
    private static void assertOffline(String html) {
        String markup = Pattern.compile("(?is)(<script\\b[^>]*>).*?</script>").matcher(html).replaceAll("$1</script>");
        assertTrue(markup.length() < 20_000, "the page's markup outside scripts is small: " + markup.length());
        for (Pattern remote : List.of(Pattern.compile("(?i)\\b(src|href|action|poster|srcset)\\s*=\\s*[\"']?\\s*(https?:)?//"),
                Pattern.compile("(?i)url\\(\\s*[\"']?\\s*(https?:)?//"), Pattern.compile("(?i)@import"),
                Pattern.compile("(?i)<(link|iframe|img|object|embed)\\b"), Pattern.compile("(?i)<script[^>]*\\bsrc\\s*="))) {
            Matcher m = remote.matcher(markup);
            assertFalse(m.find(), () -> "remote reference: " + markup.substring(Math.max(0, m.start() - 40),
                    Math.min(markup.length(), m.end() + 60)));
        }
        Matcher url = Pattern.compile("https?://[^\"'\\s)<>]*").matcher(html);
        while (url.find()) {
            String u = url.group();
            assertTrue(NOT_LOADS.stream().anyMatch(u::startsWith), "unexpected URL in the report: " + u);
        }
        assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"), "a CSP forbids fetches");
    }

    /** Runs headless Chromium on the page with {@code args}; its stdout (the DOM with --dump-dom). */
    private static String chromium(Path chromium, Path profile, Path logs, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(List.of(args));
        Path stdout = Path.of(logs + ".out");
        Path stderr = Path.of(logs + ".err");
        Process proc = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            fail("chromium did not finish in 120 s: " + command + "; its log: " + stderr);
        }
        assertEquals(0, proc.exitValue(), "chromium failed: " + command + "\n" + Files.readString(stderr));
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    /** Chromium on the PATH, else Debian's /usr/bin/chromium; a failure saying to install it when there is none. */
    private static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        Path debian = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        return fail("ReportTest needs headless Chromium to render the report and found none on the PATH or at "
                + debian + ": install it (Debian/Ubuntu: apt-get install -y chromium; .ci/run does)");
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start);
        assertTrue(i >= 0, "no " + start);
        int j = s.indexOf(end, i + start.length());
        assertTrue(j >= 0, "no " + end + " after " + start);
        return s.substring(i + start.length(), j);
    }

    private static String unescapeHtml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    private static void assertOk(SharedSpark.Run r) {
        assertEquals(0, r.exitCode(), r.out() + "\n" + r.err());
    }
}
