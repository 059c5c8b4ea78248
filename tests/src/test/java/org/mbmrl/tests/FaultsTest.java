package org.mbmrl.tests;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mbmrl.tests.Rejections.listing;
import static org.mbmrl.tests.Rejections.rejects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Faults a user can cause, by cause (issue 11), each built by corrupting a real generated
 * dataset or trained run: every case exits 2 with exactly one stderr line that names the
 * culprit (field, file, task or path), no stack trace, nothing half-written, and the source it
 * read unchanged. Where the right answer is to work (hand-edited {@code dataset.json}, paths
 * with {@code :} or {@code #}, an empty {@code LATEST}) the case asserts that it does.
 */
class FaultsTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SharedSpark.local2();
        Fixtures.smallDataset();
    }

    // ---- 1. Failures that used to escape as stack traces: paths, resources and sizes the user named.

    @Test
    void pathsResourcesAndSizesTheUserNamed() throws IOException {
        Path root = Fixtures.scratch("faults-paths");
        Path data = Fixtures.smallDataset();
        List<String> dataBefore = listing(data);

        rejects(train(data, root.resolve("r1"), "--master", "bogus[x"), "--master", "bogus[x");
        Path file = Files.writeString(root.resolve("a-file"), "not a directory");
        rejects(train(data, file), "run_dir", "a-file", "is a file");
        Path configDir = Files.createDirectories(root.resolve("config.yaml"));
        rejects(List.of("train", "--config", configDir.toString()), "config.yaml", "is a directory");
        Path tabbed = Files.writeString(root.resolve("tabbed.yaml"), "seed: 1\nmodel:\n\thidden: [8]\n");
        rejects(List.of("train", "--config", tabbed.toString()), "tabbed.yaml", "line 3, column 1", "tab");
        Path unclosed = Files.writeString(root.resolve("unclosed.yaml"), "seed: [1\n");
        rejects(List.of("train", "--config", unclosed.toString()), "unclosed.yaml", "line 2");
        rejects(train(data, root.resolve("r2"), "--set", "model.hidden=[40000, 40000]"), "model.hidden [40000, 40000]",
                "parameters", "MBMRL_JAVA_OPTS");
        rejects(List.of("generate", "--out", root.resolve("g").toString(), "--train-tasks", "2000000000"),
                "--train-tasks", "2,000,000,020 tasks");
        rejects(List.of("generate", "--out", ""), "empty path");
        rejects(List.of("generate", "--out", file.toString()), "output already exists", "a-file");
        rejects(List.of("generate", "--out", root.resolve("g").toString(), "--family", "unicycle"), "unicycle");
        rejects(train(data, root.resolve("r1"), "--master", "local[x]"), "--master 'local[x]'", "not a Spark master URL");
        rejects(train(data, data), "run_dir", "lies inside dataset");
        assertFalse(Files.exists(root.resolve("r1")) || Files.exists(root.resolve("r2")) || Files.exists(root.resolve("g")));

        Path run = trainedRun("faults-paths-run");
        List<String> runBefore = listing(run);
        rejects(List.of("evaluate", "--run", run.toString(), "--checkpoint", ""), "checkpoint name ''");
        rejects(List.of("evaluate", "--run", ""), "empty path");
        rejects(List.of("evaluate", "--run", root.resolve("no-such-run").toString()), "run directory does not exist",
                "no-such-run");
        rejects(List.of("export", run.toString(), "--out", ""), "--out: empty path");
        rejects(List.of("collect", "--run", run.toString(), "--out", ""), "empty path");
        rejects(List.of("evaluate", "--run", run.toString(), "--checkpoint", "iter-000999"), "no checkpoint iter-000999",
                "iter-000002");
        rejects(List.of("export", run.toString(), "--out", root.resolve("no/such/dir/model.zip").toString()), "no/such/dir", "does not exist");
        Path outDir = Files.createDirectories(root.resolve("out-dir"));
        rejects(List.of("export", run.toString(), "--out", outDir.toString()), "out-dir", "is a directory");
        assertEquals(runBefore, listing(run), "the run is unchanged");
        assertEquals(List.of(""), listing(outDir).stream().map(l -> l.substring(0, l.indexOf(':'))).toList());

        Path blocked = Fixtures.copy(run, "faults-eval-file");
        Files.writeString(blocked.resolve("eval"), "a file where the evaluation output goes");
        rejects(List.of("evaluate", "--run", blocked.toString()), "eval");
        assertEquals(dataBefore, listing(data), "the dataset is unchanged");
    }

    @Test
    void partFilesThatAreNotParquet() throws IOException {
        Path root = Fixtures.scratch("faults-parts");
        rejectsDataset(root, "garbage", d -> write(firstPart(d, "transitions"), "garbage"), "transitions/part-",
                "7 bytes, too short to be Parquet");
        rejectsDataset(root, "garbage-long", d -> write(firstPart(d, "transitions"), "x".repeat(4096)),
                "transitions/part-", "no Parquet header");
        rejectsDataset(root, "truncated", d -> truncate(firstPart(d, "transitions"), 300), "transitions/part-",
                "truncated");
        rejectsDataset(root, "readme", d -> write(d.resolve("tasks/README"), "notes"), "tasks/README",
                "not a Parquet part file");
        rejectsDataset(root, "empty-table", d -> deleteAll(d.resolve("tasks"), false), "tasks/", "no Parquet part files");
        rejectsDataset(root, "zero-bytes", d -> write(d.resolve("tasks/part-00009.parquet"), ""), "part-00009.parquet",
                "0 bytes");
        rejectsDataset(root, "no-table", d -> deleteAll(d.resolve("transitions"), true), "transitions/", "does not exist");
        rejectsDataset(root, "table-is-file", d -> {
            deleteAll(d.resolve("tasks"), true);
            write(d.resolve("tasks"), "a file");
        }, "tasks is a file");
        rejectsDataset(root, "subdir", d -> mkdir(d.resolve("transitions/nested")), "transitions/nested",
                "not a Parquet part file");
    }

    // ---- 2. A dataset edited by hand is read for its content: no .crc side files.

    @Test
    void handEditedDatasetJson() throws IOException {
        Path root = Fixtures.scratch("faults-json");
        Path fresh = root.resolve("fresh");
        SharedSpark.Run g = SharedSpark.cli("generate", "--out", fresh.toString(), "--train-tasks", "6", "--test-tasks", "2",
                "--ood-tasks", "2", "--episodes", "1", "--steps", "40", "--seed", "9");
        assertEquals(0, g.exitCode(), g.err());
        try (Stream<Path> s = Files.walk(fresh)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".crc")).toList(), "no .crc files");
        }
        // Re-indented by hand (same content): read as before.
        Path json = fresh.resolve("dataset.json");
        Files.writeString(json, Files.readString(json).replace("\n", "\n  ").replace(" : ", ":"));
        SharedSpark.Run t = SharedSpark.cli(train(fresh, root.resolve("edited-run"), "--set", "train.meta_batch=2")
                .toArray(String[]::new));
        assertEquals(0, t.exitCode(), t.err());

        rejectsDataset(root, "wrong-type", d -> edit(d.resolve("dataset.json"), s -> s.replaceFirst(
                "\"train_tasks\" ?: ?[0-9]+", "\"train_tasks\" : \"twelve\"")), "dataset.json", "field train_tasks");
        rejectsDataset(root, "not-json", d -> write(d.resolve("dataset.json"), "{ \"family\": "), "dataset.json",
                "is not valid");
        rejectsDataset(root, "unknown-family", d -> edit(d.resolve("dataset.json"), s -> s.replace("\"pendulum\"",
                "\"unicycle\"")), "dataset.json", "unicycle");
        rejectsDataset(root, "no-manifest", d -> delete(d.resolve("dataset.json")), "has no dataset.json");
        rejectsDataset(root, "format-version", d -> edit(d.resolve("dataset.json"), s -> s.replaceFirst(
                "\"format_version\" ?: ?1", "\"format_version\" : 2")), "dataset.json", "format_version 2");
        rejectsDataset(root, "dimensions", d -> edit(d.resolve("dataset.json"), s -> s.replaceFirst(
                "\"observation_dim\" ?: ?[0-9]+", "\"observation_dim\" : 7")), "dataset.json", "observation_dim 7");
    }

    // ---- 3. Bad data never trains.

    @Test
    void badDataNeverTrains() throws IOException {
        Path root = Fixtures.scratch("faults-data");
        rejectsDataset(root, "duplicate", d -> transitions(d, t -> t.union(t.filter(at(0, 0, 5)))),
                "task 0 episode 0 step 5", "duplicate transition");
        rejectsDataset(root, "unlisted-task", d -> transitions(d, t -> t.union(t.filter(col("task_id").equalTo(1))
                .withColumn("task_id", lit(99L)))), "transitions of task 99", "does not list");
        rejectsDataset(root, "null-task", d -> transitions(d, t -> t.withColumn("task_id",
                when(at(2, 1, 7), lit(null)).otherwise(col("task_id")))), "1 transitions have a null task_id");
        rejectsDataset(root, "null-step", d -> transitions(d, t -> t.withColumn("step",
                when(at(2, 1, 7), lit(null)).otherwise(col("step")))), "null episode or step");
        rejectsDataset(root, "negative-step", d -> transitions(d, t -> t.withColumn("step",
                when(at(3, 0, 0), lit(-1)).otherwise(col("step")))), "task 3 episode 0 step -1", "starts at step -1");
        rejectsDataset(root, "negative-episode", d -> transitions(d, t -> t.withColumn("episode",
                when(col("task_id").equalTo(4).and(col("episode").equalTo(0)), lit(-2)).otherwise(col("episode")))),
                "task 4 episode -2", "negative episode");
        rejectsDataset(root, "gap", d -> transitions(d, t -> t.filter(functionsNot(at(5, 1, 30)))), "task 5 episode 1",
                "steps jump from 29 to 31");
        rejectsDataset(root, "late-start", d -> transitions(d, t -> t.filter(functionsNot(at(6, 0, 0)))),
                "task 6 episode 0 step 1", "starts at step 1");
        rejectsDataset(root, "task-twice", d -> tasks(d, t -> t.union(t.filter(col("task_id").equalTo(2)))),
                "task 2 is listed more than once");
        rejectsDataset(root, "null-task-row", d -> tasks(d, t -> t.withColumn("task_id",
                when(col("task_id").equalTo(2), lit(null)).otherwise(col("task_id")))), "null task_id");
        rejectsDataset(root, "split", d -> tasks(d, t -> t.withColumn("split",
                when(col("task_id").equalTo(1), lit("valid")).otherwise(col("split")))), "task 1", "valid");
        rejectsDataset(root, "count", d -> edit(d.resolve("dataset.json"), s -> s.replaceFirst(
                "\"train_tasks\" ?: ?[0-9]+", "\"train_tasks\" : 13")), "train_tasks is 13", "lists 12 train tasks");
        rejectsDataset(root, "test-count", d -> tasks(d, t -> t.filter(col("task_id").notEqual(13))), "test_tasks is 3",
                "lists 2 test tasks");

        Path adamRun = trainedRun("faults-adam");
        Path adamCkpt = adamRun.resolve("checkpoints/iter-000002");
        int moments = (int) ((Files.size(adamCkpt.resolve("adam_m.npy")) - 128) / 8);
        replaceArray(adamCkpt, "adam_m.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(new int[moments])));
        List<String> adamBefore = listing(adamRun);
        List<String> resumeAdam = new ArrayList<>(train(datasetOf(adamRun), adamRun, smallControl()));
        resumeAdam.add("--resume");
        rejects(resumeAdam, "adam_m.npy must hold", "float64", "INT");
        assertEquals(adamBefore, listing(adamRun), "nothing written");

        Path run = trainedRun("faults-theta");
        Path ckpt = run.resolve("checkpoints/iter-000002");
        int values = (int) ((Files.size(ckpt.resolve("theta.npy")) - 128) / 4);
        replaceArray(ckpt, "theta.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(new int[values])));
        List<String> before = listing(run);
        rejects(List.of("evaluate", "--run", run.toString()), "theta.npy must hold", "float32", "INT");
        List<String> resume = new ArrayList<>(train(datasetOf(run), run, smallControl()));
        resume.add("--resume");
        rejects(resume, "theta.npy must hold", "float32");
        assertEquals(before, listing(run), "nothing written");
        replaceArray(ckpt, "theta.npy", "not a NumPy array at all".getBytes(StandardCharsets.UTF_8));
        before = listing(run);
        rejects(List.of("evaluate", "--run", run.toString()), "theta.npy is not a readable NumPy .npy array");
        rejects(List.of("inspect", run.toString()), "theta.npy");
        assertEquals(before, listing(run), "nothing written");
    }

    // ---- 3b. Good data in any row order trains the same bits (the load groups rows per task itself).

    @Test
    void rowOrderDoesNotChangeTraining() throws IOException {
        Path asWritten = Fixtures.copy(Fixtures.smallDataset(), "faults-order-a");
        Path shuffled = Fixtures.copy(Fixtures.smallDataset(), "faults-order-b");
        transitions(shuffled, t -> t.orderBy(org.apache.spark.sql.functions.rand(7)).repartition(3));
        Path root = Fixtures.scratch("faults-order");
        byte[][] theta = new byte[2][];
        int i = 0;
        for (Path data : List.of(asWritten, shuffled)) {
            Path run = root.resolve("run-" + i);
            SharedSpark.Run t = SharedSpark.cli(train(data, run, smallControl()).toArray(String[]::new));
            assertEquals(0, t.exitCode(), t.err());
            theta[i++] = Files.readAllBytes(run.resolve("checkpoints/iter-000002/theta.npy"));
        }
        assertArrayEquals(theta[0], theta[1], "theta after 2 iterations, rows as written and shuffled over 3 files");
    }

    // ---- 4. Provenance: a command that reads a run refuses a dataset that changed under it.

    @Test
    void runsRefuseAChangedDataset() throws IOException {
        Path root = Fixtures.scratch("faults-provenance");
        Path data = root.resolve("data");
        generate(data);
        Path run = root.resolve("run");
        SharedSpark.Run t = SharedSpark.cli(train(data, run, smallControl()).toArray(String[]::new));
        assertEquals(0, t.exitCode(), t.err());
        SharedSpark.Run lone = SharedSpark.cli("evaluate", "--run", run.toString());
        assertEquals(0, lone.exitCode(), lone.err());

        deleteAll(data, true);
        generate(data); // the same command again: new part files, a new fingerprint
        List<String> runBefore = listing(run);
        List<String> dataBefore = listing(data);
        rejects(List.of("evaluate", "--run", run.toString()), "dataset", "changed since checkpoint iter-000002",
                "--allow-changed-dataset");
        rejects(List.of("evaluate", "--run", run.toString(), "--control"), "changed since", "--allow-changed-dataset");
        rejects(List.of("collect", "--run", run.toString(), "--out", root.resolve("v2").toString()), "changed since");
        rejects(List.of("export", run.toString(), "--out", root.resolve("m.zip").toString(), "--adapt-task", "13"),
                "changed since");
        assertEquals(runBefore, listing(run), "the run is unchanged");
        assertFalse(Files.exists(root.resolve("v2")) || Files.exists(root.resolve("m.zip")));
        SharedSpark.Run allowed = SharedSpark.cli("evaluate", "--run", run.toString(), "--allow-changed-dataset");
        assertEquals(0, allowed.exitCode(), allowed.err());

        rejects(train(data, data.resolve("runs/inside")), "run_dir", "lies inside dataset");
        rejects(List.of("collect", "--run", run.toString(), "--allow-changed-dataset", "--out",
                data.resolve("v2").toString()), "--out", "lies inside the source dataset");
        assertEquals(dataBefore, listing(data), "the dataset is unchanged");
    }

    // ---- 5. One writer per run output.

    @Test
    void oneEvaluationWriterAtATime() throws Exception {
        Path run = trainedRun("faults-lock");
        SharedSpark.Run lone = SharedSpark.cli("evaluate", "--run", run.toString());
        assertEquals(0, lone.exitCode(), lone.err());
        List<Row> loneRows = evalRows(run);

        // A live holder (this process, lease running): refused, naming it.
        Path lock = run.resolve("eval/.lock");
        Files.writeString(lock, "{\"owner\":\"" + java.net.InetAddress.getLocalHost().getHostName() + ":"
                + ProcessHandle.current().pid() + ":held-by-test\",\"lease_until_ms\":" + (System.currentTimeMillis() + 600_000)
                + "}");
        List<String> before = listing(run);
        rejects(List.of("evaluate", "--run", run.toString()), "the evaluation output", "is locked by another command",
                "held-by-test");
        rejects(List.of("evaluate", "--run", run.toString(), "--control"), "is locked by another command");
        assertEquals(before, listing(run), "nothing written while locked");
        Files.delete(lock);

        // Two at once: one writes, the other is refused in one line; the output is a lone run's.
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.function.Supplier<SharedSpark.Run> evaluate = () -> {
            try {
                start.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return SharedSpark.cli("evaluate", "--run", run.toString());
        };
        CompletableFuture<SharedSpark.Run> a = CompletableFuture.supplyAsync(evaluate);
        CompletableFuture<SharedSpark.Run> b = CompletableFuture.supplyAsync(evaluate);
        List<SharedSpark.Run> both = List.of(a.get(), b.get());
        long ok = both.stream().filter(r -> r.exitCode() == 0).count();
        assertEquals(1, ok, "one evaluate succeeds, the other is refused: " + both);
        for (SharedSpark.Run r : both) {
            if (r.exitCode() != 0) {
                assertEquals(2, r.exitCode(), r.err());
                List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
                assertEquals(1, lines.size(), r.err());
                assertTrue(lines.get(0).contains("is locked by another command"), lines.get(0));
            }
        }
        assertEquals(loneRows, evalRows(run), "the output equals a lone run's");

        // collect --out: one writer per new dataset version too.
        Path versions = Fixtures.scratch("faults-collect-lock");
        Files.writeString(versions.resolve(".v2.lock"), "{\"owner\":\"" + java.net.InetAddress.getLocalHost().getHostName()
                + ":" + ProcessHandle.current().pid() + ":other-collect\",\"lease_until_ms\":"
                + (System.currentTimeMillis() + 600_000) + "}");
        rejects(List.of("collect", "--run", run.toString(), "--out", versions.resolve("v2").toString()),
                "the dataset version", "is locked by another command", "other-collect");
        assertFalse(Files.exists(versions.resolve("v2")) || Files.exists(versions.resolve(".v2.tmp")));
        assertFalse(Files.exists(lock), "the lock is released");
        try (Stream<Path> s = Files.list(run.resolve("eval/split=ood"))) {
            assertEquals(List.of("iteration=2"), s.map(p -> p.getFileName().toString()).toList(), "no leftovers");
        }
    }

    // ---- 6. Messages that say what is wrong, and paths that simply work.

    @Test
    void messagesNameTheCulpritAndPathsJustWork() throws IOException {
        Path run = trainedRun("faults-messages");
        Path manifest = run.resolve("checkpoints/iter-000002/manifest.json");
        Path unknownAlgorithm = Fixtures.copy(run, "faults-algorithm");
        edit(unknownAlgorithm.resolve("checkpoints/iter-000002/manifest.json"),
                s -> s.replaceAll("\"algorithm\" ?: ?\"maml\"", "\"algorithm\" : \"bayes\""));
        List<String> unknownBefore = listing(unknownAlgorithm);
        rejects(List.of("evaluate", "--run", unknownAlgorithm.toString()), "iter-000002/manifest.json", "bayes");
        assertEquals(unknownBefore, listing(unknownAlgorithm), "nothing written");
        assertTrue(Files.exists(manifest));
        SharedSpark.Run verbose = SharedSpark.cli("evaluate", "--run", unknownAlgorithm.toString(), "--verbose");
        assertEquals(2, verbose.exitCode());
        assertTrue(verbose.err().startsWith("mbmrl: error: ") && verbose.err().contains("\tat "),
                "--verbose adds the stack trace: " + verbose.err());

        Path noManifest = Fixtures.copy(run, "faults-no-manifest");
        Files.delete(noManifest.resolve("checkpoints/iter-000002/manifest.json"));
        List<String> noManifestBefore = listing(noManifest);
        rejects(List.of("evaluate", "--run", noManifest.toString()), "iter-000002", "manifest.json");
        assertEquals(noManifestBefore, listing(noManifest), "nothing written");
        Path badManifest = Fixtures.copy(run, "faults-bad-manifest");
        Files.writeString(badManifest.resolve("checkpoints/iter-000002/manifest.json"), "{ not json");
        List<String> badManifestBefore = listing(badManifest);
        rejects(List.of("evaluate", "--run", badManifest.toString()), "iter-000002", "manifest.json");
        assertEquals(badManifestBefore, listing(badManifest), "nothing written");

        Path emptyLatest = Fixtures.copy(run, "faults-latest");
        Files.writeString(emptyLatest.resolve("checkpoints/LATEST"), "");
        SharedSpark.Run r = SharedSpark.cli("evaluate", "--run", emptyLatest.toString());
        assertEquals(0, r.exitCode(), "an empty LATEST falls back to the newest checkpoint: " + r.err());

        Path odd = Fixtures.scratch("faults-odd").resolve("we:ird %d #x ü");
        generate(odd.resolve("data: 1 % # ü"));
        Path oddRun = odd.resolve("run #2: %20");
        SharedSpark.Run t = SharedSpark.cli(train(odd.resolve("data: 1 % # ü"), oddRun).toArray(String[]::new));
        assertEquals(0, t.exitCode(), t.err());
        SharedSpark.Run e = SharedSpark.cli("evaluate", "--run", oddRun.toString());
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(Files.isDirectory(oddRun.resolve("eval/split=ood/iteration=2")), "evaluation written");
        SharedSpark.Run x = SharedSpark.cli("export", oddRun.toString(), "--out", odd.resolve("m: %.zip").toString());
        assertEquals(0, x.exitCode(), x.err());
        assertTrue(Files.size(odd.resolve("m: %.zip")) > 0);
    }

    // ---- helpers

    private static List<String> train(Path data, Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--set", "dataset=" + data, "--set", "run_dir=" + run,
                "--set", "model.hidden=[8]", "--set", "adapt.past=8", "--set", "adapt.future=8", "--set",
                "train.meta_batch=4", "--set", "train.iterations=2", "--set", "train.checkpoint_every=2"));
        args.addAll(List.of(more));
        return args;
    }

    private static String[] smallControl() {
        List<String> sets = new ArrayList<>();
        for (String s : Fixtures.SMALL_CONTROL) {
            sets.add("--set");
            sets.add(s);
        }
        return sets.toArray(String[]::new);
    }

    /** A two-iteration maml run on a private copy of the small dataset. */
    private static Path trainedRun(String name) {
        Path data = Fixtures.copy(Fixtures.smallDataset(), name + "-data");
        Path run = Fixtures.scratch(name).resolve("run");
        SharedSpark.Run r = SharedSpark.cli(train(data, run, smallControl()).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return run;
    }

    /** The dataset a run was trained on (its config.yaml's {@code dataset}). */
    private static Path datasetOf(Path run) {
        try {
            return Path.of(Files.readAllLines(run.resolve("config.yaml")).stream().filter(l -> l.startsWith("dataset: "))
                    .findFirst().orElseThrow().substring("dataset: ".length()).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void generate(Path out) {
        SharedSpark.Run g = SharedSpark.cli("generate", "--out", out.toString(), "--train-tasks", "12", "--test-tasks", "3",
                "--ood-tasks", "3", "--episodes", "2", "--steps", "60", "--seed", "5");
        assertEquals(0, g.exitCode(), g.err());
    }

    /** A copy of the small dataset broken by {@code breakIt}: train refuses it in one line, writes nothing. */
    private static void rejectsDataset(Path root, String name, DatasetEdit breakIt, String... expected) {
        Path data = Fixtures.copy(Fixtures.smallDataset(), "faults-" + name);
        try {
            breakIt.apply(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> before = listing(data);
        Path run = root.resolve("run-" + name);
        rejects(train(data, run), expected);
        assertFalse(Files.exists(run), name + ": no run directory written");
        assertEquals(before, listing(data), name + ": the dataset is unchanged");
    }

    @FunctionalInterface
    private interface DatasetEdit {
        void apply(Path dataset) throws IOException;
    }

    private static void transitions(Path data, UnaryOperator<Dataset<Row>> edit) {
        rewrite(data.resolve("transitions"), edit);
    }

    private static void tasks(Path data, UnaryOperator<Dataset<Row>> edit) {
        rewrite(data.resolve("tasks"), edit);
    }

    /** Rewrites a table through Spark (read, edit, write beside it, swap), as another tool would. */
    private static void rewrite(Path table, UnaryOperator<Dataset<Row>> edit) {
        Path tmp = table.resolveSibling(table.getFileName() + "-edited");
        edit.apply(spark.read().parquet(table.toString())).write().parquet(tmp.toString());
        deleteAll(table, true);
        try {
            Files.move(tmp, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static org.apache.spark.sql.Column at(long task, int episode, int step) {
        return col("task_id").equalTo(task).and(col("episode").equalTo(episode)).and(col("step").equalTo(step));
    }

    private static org.apache.spark.sql.Column functionsNot(org.apache.spark.sql.Column c) {
        return org.apache.spark.sql.functions.not(c);
    }

    private static Path firstPart(Path data, String table) throws IOException {
        try (Stream<Path> s = Files.list(data.resolve(table))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content);
    }

    private static void truncate(Path file, int bytes) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, bytes));
    }

    private static void mkdir(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    private static void delete(Path file) throws IOException {
        Files.delete(file);
    }

    private static void edit(Path file, UnaryOperator<String> change) throws IOException {
        String before = Files.readString(file);
        String after = change.apply(before);
        assertFalse(before.equals(after), "the edit changed " + file);
        Files.writeString(file, after);
    }

    /** Deletes {@code dir}'s contents (and {@code dir} itself when {@code self}). */
    private static void deleteAll(Path dir, boolean self) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (self || !p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces a checkpoint array file and its sha256 in the manifest, as someone editing both would. */
    private static void replaceArray(Path checkpoint, String file, byte[] bytes) throws IOException {
        Files.write(checkpoint.resolve(file), bytes);
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path manifest = checkpoint.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("(\"" + java.util.regex.Pattern.quote(file)
                + "\" : \")[0-9a-f]+", "$1" + sha));
    }

    private static List<Row> evalRows(Path run) {
        return spark.read().parquet(run.resolve("eval/split=ood/iteration=2").toString()).orderBy("task_id")
                .collectAsList();
    }
}
