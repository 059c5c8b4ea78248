package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes deployment in {@code deploy/k8s/} is consistent: every manifest parses, the
 * Spark operator resources carry what the v1beta2 CRDs require and what mbmrl needs, the RBAC
 * grants the driver what it uses, the image puts the jar where the applications look for it,
 * and {@code deploy/conf/spark-defaults.conf} is secure by default. No cluster is needed.
 */
class KubernetesManifestsTest {
    private static final Path ROOT = NotebooksTest.repoRoot();
    private static final Path K8S = ROOT.resolve("deploy/k8s");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String API = "sparkoperator.k8s.io/v1beta2";
    private static final String MAIN_CLASS = "org.mbmrl.driver.cli.Mbmrl";
    private static final List<String> REGISTRATORS = List.of("org.nd4j.kryo.Nd4jRegistrator",
            "org.mbmrl.driver.spark.MbmrlKryoRegistrator");

    /** Every document of every YAML file under deploy/k8s, by file name. */
    private static final Map<String, List<JsonNode>> DOCS = new LinkedHashMap<>();

    @BeforeAll
    static void parseAll() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(K8S)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no YAML under " + K8S);
        for (Path file : files) {
            List<JsonNode> docs = new ArrayList<>();
            try (JsonParser parser = YAML.getFactory().createParser(file.toFile());
                    MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
                while (it.hasNextValue()) {
                    JsonNode doc = it.nextValue();
                    if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                        docs.add(doc);
                    }
                }
            }
            assertFalse(docs.isEmpty(), file + ": no document");
            for (JsonNode doc : docs) {
                assertTrue(doc.path("apiVersion").isTextual() && doc.path("kind").isTextual(),
                        file + ": a document without apiVersion/kind");
                assertTrue(doc.path("metadata").path("name").isTextual(), file + ": a document without metadata.name");
            }
            DOCS.put(K8S.relativize(file).toString(), docs);
        }
    }

    @Test
    void theExpectedManifestsArePresent() {
        for (String f : List.of("spark-application.yaml", "scheduled-spark-application.yaml", "rbac.yaml", "configmap.yaml")) {
            assertTrue(DOCS.containsKey(f), "deploy/k8s/" + f);
        }
        assertTrue(Files.isRegularFile(K8S.resolve("Dockerfile")), "deploy/k8s/Dockerfile");
        assertTrue(Files.isRegularFile(K8S.resolve("README.md")), "deploy/k8s/README.md");
    }

    @Test
    void sparkApplicationIsCompleteForMbmrl() {
        JsonNode app = only("SparkApplication");
        assertEquals(API, app.path("apiVersion").asText());
        checkSpec(app.path("spec"), "SparkApplication " + app.path("metadata").path("name").asText());
    }

    @Test
    void scheduledSparkApplicationContinuesTheRunNightlyWithoutOverlap() {
        JsonNode scheduled = only("ScheduledSparkApplication");
        String where = "ScheduledSparkApplication " + scheduled.path("metadata").path("name").asText();
        assertEquals(API, scheduled.path("apiVersion").asText(), where);
        JsonNode spec = scheduled.path("spec");
        assertValidCron(spec.path("schedule").asText(), where + " spec.schedule");
        assertEquals("Forbid", spec.path("concurrencyPolicy").asText(), where + " spec.concurrencyPolicy");
        JsonNode template = spec.path("template");
        assertTrue(template.isObject(), where + ": spec.template");
        checkSpec(template, where + " spec.template");
        List<String> args = texts(template.path("arguments"));
        assertEquals("train", args.get(0), where + ": the command");
        assertTrue(args.contains("--continue"), where + ": arguments continue the run (--continue): " + args);
        assertTrue(args.contains("--more-iterations") || args.contains("--time-budget"),
                where + ": a bound on the night's work (--more-iterations / --time-budget): " + args);
        // The same run directory as the application that starts the run.
        assertEquals(runDir(only("SparkApplication").path("spec")), runDir(template), where + ": run_dir");
    }

    @Test
    void rbacLetsTheDriverManageExecutorsAndIsBoundToItsServiceAccount() {
        List<JsonNode> rbac = DOCS.get("rbac.yaml");
        JsonNode account = ofKind(rbac, "ServiceAccount");
        JsonNode role = ofKind(rbac, "Role");
        JsonNode binding = ofKind(rbac, "RoleBinding");
        String namespace = account.path("metadata").path("namespace").asText();
        assertFalse(namespace.isBlank(), "ServiceAccount namespace");
        assertEquals(namespace, role.path("metadata").path("namespace").asText(), "Role namespace");
        assertEquals(namespace, binding.path("metadata").path("namespace").asText(), "RoleBinding namespace");

        Map<String, Set<String>> verbs = new HashMap<>();
        for (JsonNode rule : role.path("rules")) {
            assertTrue(texts(rule.path("apiGroups")).contains(""), "Role rules are on the core API group: " + rule);
            for (String resource : texts(rule.path("resources"))) {
                verbs.computeIfAbsent(resource, r -> new java.util.HashSet<>()).addAll(texts(rule.path("verbs")));
            }
        }
        assertTrue(verbs.getOrDefault("pods", Set.of()).containsAll(List.of("create", "delete", "get", "list", "watch")),
                "Role: pods create/delete/get/list/watch: " + verbs.get("pods"));
        assertTrue(verbs.getOrDefault("services", Set.of()).containsAll(List.of("create", "delete", "get")),
                "Role: services: " + verbs.get("services"));
        assertTrue(verbs.getOrDefault("configmaps", Set.of()).containsAll(List.of("create", "delete", "get")),
                "Role: configmaps: " + verbs.get("configmaps"));
        assertTrue(verbs.getOrDefault("persistentvolumeclaims", Set.of()).containsAll(List.of("create", "delete", "get")),
                "Role: persistentvolumeclaims: " + verbs.get("persistentvolumeclaims"));

        assertEquals("Role", binding.path("roleRef").path("kind").asText(), "RoleBinding roleRef.kind");
        assertEquals("rbac.authorization.k8s.io", binding.path("roleRef").path("apiGroup").asText(), "RoleBinding roleRef.apiGroup");
        assertEquals(role.path("metadata").path("name").asText(), binding.path("roleRef").path("name").asText(),
                "RoleBinding roleRef.name");
        boolean bound = false;
        for (JsonNode subject : binding.path("subjects")) {
            bound |= subject.path("kind").asText().equals("ServiceAccount")
                    && subject.path("name").asText().equals(account.path("metadata").path("name").asText())
                    && subject.path("namespace").asText().equals(namespace);
        }
        assertTrue(bound, "RoleBinding subjects include ServiceAccount " + account.path("metadata").path("name").asText());

        // Both applications run their driver as this account, in this namespace.
        for (JsonNode app : List.of(only("SparkApplication"), only("ScheduledSparkApplication"))) {
            assertEquals(namespace, app.path("metadata").path("namespace").asText(), app.path("kind").asText() + " namespace");
        }
    }

    @Test
    void dockerfileBuildsOnTheOfficialSparkImageAndPutsTheJarWhereTheApplicationsLook() throws IOException {
        List<String> lines = dockerInstructions(Files.readString(K8S.resolve("Dockerfile")));
        Map<String, String> args = new HashMap<>();
        String from = null;
        List<String> copiedTo = new ArrayList<>();
        String user = null;
        for (String line : lines) {
            String[] parts = line.split("\\s+", 2);
            String op = parts[0].toUpperCase();
            String rest = parts.length > 1 ? parts[1] : "";
            switch (op) {
                case "ARG" -> {
                    if (from == null) {
                        int eq = rest.indexOf('=');
                        if (eq > 0) {
                            args.put(rest.substring(0, eq).trim(), rest.substring(eq + 1).trim());
                        }
                    }
                }
                case "FROM" -> {
                    from = resolve(rest.split("\\s+")[0], args);
                    copiedTo.clear();
                    user = null;
                }
                case "COPY" -> {
                    List<String> words = new ArrayList<>(List.of(rest.split("\\s+")));
                    words.removeIf(w -> w.startsWith("--"));
                    copiedTo.add(words.get(words.size() - 1));
                }
                case "USER" -> user = rest.trim();
                default -> { }
            }
        }
        assertNotNull(from, "Dockerfile: FROM");
        assertTrue(Pattern.matches("apache/spark:3\\.5\\.\\d+-scala2\\.12-java17(-[a-z0-9-]+)?", from),
                "Dockerfile: the runtime stage is FROM an official apache/spark 3.5 Java 17 image: " + from);
        assertEquals("185", user, "Dockerfile: runs as the base image's non-root user 185");
        for (JsonNode app : List.of(only("SparkApplication").path("spec"), only("ScheduledSparkApplication").path("spec").path("template"))) {
            String file = app.path("mainApplicationFile").asText();
            assertTrue(file.startsWith("local://"), "mainApplicationFile is in the image (local://): " + file);
            assertTrue(copiedTo.contains(file.substring("local://".length())),
                    "Dockerfile copies the jar to " + file.substring("local://".length()) + " (COPY destinations " + copiedTo + ")");
        }
    }

    @Test
    void configMapHoldsAValidRunConfigAndSecretsAreReferencedNotInlined() throws IOException {
        JsonNode map = only("ConfigMap");
        String runYaml = map.path("data").path("run.yaml").asText();
        assertFalse(runYaml.isBlank(), "ConfigMap data.run.yaml");
        JsonNode config = YAML.readTree(runYaml);
        assertTrue(Set.of("maml", "reptile", "pooled").contains(config.path("algorithm").asText()), "run.yaml algorithm");

        for (JsonNode app : List.of(only("SparkApplication").path("spec"), only("ScheduledSparkApplication").path("spec").path("template"))) {
            // --config points into the volume mounted from the ConfigMap.
            List<String> args = texts(app.path("arguments"));
            String configPath = args.get(args.indexOf("--config") + 1);
            String volume = null;
            for (JsonNode v : app.path("volumes")) {
                if (v.path("configMap").path("name").asText().equals(map.path("metadata").path("name").asText())) {
                    volume = v.path("name").asText();
                }
            }
            assertNotNull(volume, "a volume from ConfigMap " + map.path("metadata").path("name").asText());
            boolean mounted = false;
            for (JsonNode m : app.path("driver").path("volumeMounts")) {
                mounted |= m.path("name").asText().equals(volume)
                        && configPath.equals(m.path("mountPath").asText().replaceAll("/$", "") + "/run.yaml");
            }
            assertTrue(mounted, "the driver mounts the config volume where --config " + configPath + " points");

            // Credentials only by reference to a Secret.
            for (String role : List.of("driver", "executor")) {
                boolean fromSecret = false;
                for (JsonNode env : app.path(role).path("env")) {
                    String name = env.path("name").asText();
                    if (name.matches("(?i).*(KEY|SECRET|PASSWORD|TOKEN).*")) {
                        assertFalse(env.has("value"), role + " env " + name + " has an inline value; use valueFrom.secretKeyRef");
                        fromSecret |= env.path("valueFrom").path("secretKeyRef").path("name").isTextual();
                    }
                }
                assertTrue(fromSecret, role + ": S3 credentials from a Secret (env valueFrom.secretKeyRef)");
            }
            app.path("sparkConf").fieldNames().forEachRemaining(k -> assertFalse(
                    k.matches("(?i).*(access\\.key|secret\\.key|session\\.token|password).*"),
                    "sparkConf must not carry credentials: " + k));
        }
    }

    @Test
    void sparkDefaultsAreSecure() throws IOException {
        Properties conf = new Properties();
        // spark-defaults.conf is whitespace-separated key value lines; Properties reads that form.
        conf.load(new StringReader(Files.readString(ROOT.resolve("deploy/conf/spark-defaults.conf"))));
        for (String key : List.of("spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled",
                "spark.acls.enable")) {
            assertEquals("true", conf.getProperty(key, "").trim(), "deploy/conf/spark-defaults.conf " + key);
        }
        assertTrue(conf.getProperty("spark.ui.view.acls", "").trim().length() > 0, "spark.ui.view.acls");
        assertTrue(conf.getProperty("spark.admin.acls", "").trim().length() > 0, "spark.admin.acls");
        assertFalse(conf.containsKey("spark.authenticate.secret"), "the secret is not in spark-defaults.conf");
        assertEquals("org.apache.spark.serializer.KryoSerializer", conf.getProperty("spark.serializer", "").trim());
        assertEquals(REGISTRATORS, List.of(conf.getProperty("spark.kryo.registrator", "").trim().split(",")));
    }

    // --- the checks both operator resources share -----------------------------------------------

    private static void checkSpec(JsonNode spec, String where) {
        assertEquals("Java", spec.path("type").asText(), where + ": type");
        assertEquals("cluster", spec.path("mode").asText(), where + ": mode");
        assertFalse(spec.path("image").asText().isBlank(), where + ": image");
        assertEquals(MAIN_CLASS, spec.path("mainClass").asText(), where + ": mainClass");
        assertTrue(spec.path("mainApplicationFile").asText().endsWith(".jar"), where + ": mainApplicationFile");
        assertTrue(spec.path("sparkVersion").asText().startsWith("3.5"), where + ": sparkVersion " + spec.path("sparkVersion"));
        assertTrue(spec.path("restartPolicy").path("type").isTextual(), where + ": restartPolicy.type");
        for (String role : List.of("driver", "executor")) {
            JsonNode pod = spec.path(role);
            assertTrue(pod.path("cores").isInt() && pod.path("cores").asInt() >= 1, where + ": " + role + ".cores");
            assertTrue(pod.path("memory").asText().matches("\\d+[kmgt]?"), where + ": " + role + ".memory " + pod.path("memory"));
            assertTrue(pod.path("memoryOverhead").asText().matches("\\d+[kmgt]?"),
                    where + ": " + role + ".memoryOverhead (ND4J's off-heap arrays)");
        }
        String account = ofKind(DOCS.get("rbac.yaml"), "ServiceAccount").path("metadata").path("name").asText();
        assertEquals(account, spec.path("driver").path("serviceAccount").asText(), where + ": driver.serviceAccount");

        JsonNode conf = spec.path("sparkConf");
        assertEquals("org.apache.spark.serializer.KryoSerializer", conf.path("spark.serializer").asText(),
                where + ": sparkConf spark.serializer");
        assertEquals(REGISTRATORS, List.of(conf.path("spark.kryo.registrator").asText().split(",")),
                where + ": sparkConf spark.kryo.registrator");
        for (String role : List.of("driver", "executor")) {
            assertTrue(conf.path("spark." + role + ".extraJavaOptions").asText().contains("-Dorg.bytedeco.javacpp.maxbytes="),
                    where + ": sparkConf spark." + role + ".extraJavaOptions caps ND4J's off-heap memory");
        }
        assertEquals("org.apache.hadoop.fs.s3a.S3AFileSystem", conf.path("spark.hadoop.fs.s3a.impl").asText(),
                where + ": sparkConf S3A");
        assertTrue(runDir(spec).startsWith("s3a://"), where + ": run_dir on S3A: " + runDir(spec));
    }

    private static String runDir(JsonNode spec) {
        for (String arg : texts(spec.path("arguments"))) {
            if (arg.startsWith("run_dir=")) {
                return arg.substring("run_dir=".length());
            }
        }
        fail("no --set run_dir=... in " + spec.path("arguments"));
        return null;
    }

    // --- cron: five fields, each a list of *, n, a-b, with an optional /step -------------------

    private static final int[][] CRON_RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
            "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    static void assertValidCron(String cron, String where) {
        String[] fields = cron.trim().split("\\s+");
        assertEquals(5, fields.length, where + ": five cron fields in \"" + cron + "\"");
        Pattern item = Pattern.compile("(\\*|(\\w+)(?:-(\\w+))?)(?:/(\\d+))?");
        for (int i = 0; i < 5; i++) {
            for (String part : fields[i].split(",", -1)) {
                Matcher m = item.matcher(part);
                assertTrue(m.matches(), where + ": cron field " + (i + 1) + " \"" + fields[i] + "\"");
                if (m.group(4) != null) {
                    assertTrue(Integer.parseInt(m.group(4)) > 0, where + ": cron step in \"" + part + "\"");
                }
                for (int g = 2; g <= 3; g++) {
                    if (m.group(g) != null) {
                        int v = cronValue(m.group(g), i, where);
                        assertTrue(v >= CRON_RANGES[i][0] && v <= CRON_RANGES[i][1],
                                where + ": cron value " + m.group(g) + " out of range in field " + (i + 1));
                    }
                }
            }
        }
    }

    private static int cronValue(String s, int field, String where) {
        if (s.matches("\\d+")) {
            return Integer.parseInt(s);
        }
        List<String> names = field == 3 ? MONTHS : field == 4 ? DAYS : List.of();
        int i = names.indexOf(s.toUpperCase());
        assertTrue(i >= 0, where + ": cron value " + s);
        return field == 3 ? i + 1 : i;
    }

    @Test
    void cronCheckRejectsWhatItShould() {
        assertValidCron("0 2 * * *", "t");
        assertValidCron("*/15 0-6 1,15 JAN-MAR MON-FRI", "t");
        for (String bad : List.of("0 2 * *", "0 2 * * * *", "60 2 * * *", "0 24 * * *", "0 2 0 * *", "0 2 * 13 *", "@daily",
                "0 2 * * MON-FUNDAY", "*/0 * * * *")) {
            boolean rejected;
            try {
                assertValidCron(bad, "t");
                rejected = false;
            } catch (AssertionError expected) {
                rejected = true;
            }
            assertTrue(rejected, "cron \"" + bad + "\" accepted");
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    private static JsonNode only(String kind) {
        List<JsonNode> found = new ArrayList<>();
        DOCS.values().forEach(docs -> docs.stream().filter(d -> d.path("kind").asText().equals(kind)).forEach(found::add));
        assertEquals(1, found.size(), "one " + kind + " under deploy/k8s");
        return found.get(0);
    }

    private static JsonNode ofKind(List<JsonNode> docs, String kind) {
        assertNotNull(docs);
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The Dockerfile's instructions: comments dropped, continuation lines joined. */
    static List<String> dockerInstructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : dockerfile.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (current.length() > 0) {
                out.add(current.toString().strip());
            }
            current.setLength(0);
        }
        return out;
    }

    private static String resolve(String s, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{?(\\w+)}?").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = args.get(m.group(1));
            assertNotNull(v, "Dockerfile: ARG " + m.group(1) + " has no default");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
