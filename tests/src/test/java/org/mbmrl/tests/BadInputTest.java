package org.mbmrl.tests;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input: each case gives exit code 2, one line on stderr naming the culprit, and
 * leaves no partial output behind.
 */
class BadInputTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SharedSpark.local2();
        Fixtures.smallDataset();
    }

    private static String rejects(List<String> args, String... expected) {
        return Rejections.rejects(args, expected);
    }

    /** A copy of the small dataset whose transitions table is {@code edit}ed. */
    private static Path corrupted(String name, UnaryOperator<Dataset<Row>> edit) throws IOException {
        Path src = Fixtures.smallDataset();
        Path dst = Fixtures.scratch("bad-" + name).resolve("data");
        Files.createDirectories(dst);
        Files.copy(src.resolve("dataset.json"), dst.resolve("dataset.json"));
        spark.read().parquet(src.resolve("tasks").toString()).write().parquet(dst.resolve("tasks").toString());
        edit.apply(spark.read().parquet(src.resolve("transitions").toString()))
                .write().parquet(dst.resolve("transitions").toString());
        return dst;
    }

    private static List<String> train(Path data, Path run, String... sets) {
        List<String> args = new ArrayList<>(List.of("train", "--set", "dataset=" + data, "--set", "run_dir=" + run,
                "--set", "adapt.past=8", "--set", "adapt.future=8", "--set", "train.meta_batch=4",
                "--set", "train.iterations=2"));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }

    private static Column at(int task, int episode, int step) {
        return col("task_id").equalTo(task).and(col("episode").equalTo(episode)).and(col("step").equalTo(step));
    }

    @Test
    void missingColumn() throws IOException {
        Path data = corrupted("nocol", df -> df.drop("reward"));
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(data, run), "transitions", "missing column 'reward'");
        assertFalse(Files.exists(run));
    }

    @Test
    void nanInAState() throws IOException {
        Path data = corrupted("nan", df -> df.withColumn("observation", when(at(4, 1, 17),
                array(lit(0.5f), lit(Float.NaN), lit(0.1f))).otherwise(col("observation"))));
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(data, run), "task 4 episode 1 step 17", "observation[1] is NaN", ".parquet");
        assertFalse(Files.exists(run));
    }

    @Test
    void stateDimensionsDifferBetweenTasks() throws IOException {
        Path data = corrupted("dims", df -> df.withColumn("observation", when(col("task_id").equalTo(2),
                array(lit(1f), lit(0f), lit(0f), lit(0f))).otherwise(col("observation"))));
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(data, run), "task 2 episode 0 step 0", "observation has 4 values, expected 3");
        assertFalse(Files.exists(run));
    }

    @Test
    void taskShorterThanPastPlusFuture() {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "adapt.past=40", "adapt.future=30"), "task 0", "shorter than M+K = 70");
        assertFalse(Files.exists(run));
    }

    @Test
    void unknownAlgorithm() {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=mamll"), "algorithm", "'mamll'");
        assertFalse(Files.exists(run));
    }

    @Test
    void negativeLearningRate() {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "adapt.lr=-0.01"), "adapt.lr", "-0.01");
        assertFalse(Files.exists(run));
    }

    @Test
    void unknownInnerLoss() {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "adapt.loss=l1"), "adapt.loss must be one of [nll, mse]", "'l1'");
        assertFalse(Files.exists(run));
    }

    @Test
    void datasetPathDoesNotExist() {
        Path run = Fixtures.scratch("run").resolve("r");
        Path missing = Fixtures.scratch("none").resolve("no-such-dataset");
        rejects(train(missing, run), "dataset path does not exist", missing.toString());
        assertFalse(Files.exists(run));
    }

    @Test
    void unknownConfigKey() throws IOException {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "train.lrate=0.1"), "unknown config key 'train.lrate'");
        Path yaml = Fixtures.scratch("yaml").resolve("run.yaml");
        Files.writeString(yaml, "dataset: x\nrun_dir: y\nadapt:\n  stpes: 2\n");
        rejects(List.of("train", "--config", yaml.toString()), "unknown config key 'adapt.stpes'", yaml.toString());
        assertFalse(Files.exists(run));
    }

    @Test
    void checkpointWithWrongSha256() throws IOException {
        Path run = Fixtures.scratch("run").resolve("r");
        assertEquals(0, SharedSpark.cli(train(Fixtures.smallDataset(), run).toArray(String[]::new)).exitCode());
        Path theta = run.resolve("checkpoints/iter-000002/theta.npy");
        try (RandomAccessFile f = new RandomAccessFile(theta.toFile(), "rw")) {
            f.seek(f.length() - 1);
            int b = f.read();
            f.seek(f.length() - 1);
            f.write(b ^ 0x10);
        }
        List<String> before = listing(run);
        rejects(List.of("evaluate", "--run", run.toString(), "--split", "ood"), "sha256 of theta.npy", "iter-000002");
        rejects(List.of("inspect", run.toString()), "sha256 of theta.npy");
        List<String> resume = new ArrayList<>(train(Fixtures.smallDataset(), run, "train.iterations=4"));
        resume.add("--resume");
        rejects(resume, "sha256 of theta.npy");
        assertEquals(before, listing(run), "nothing written");
    }

    @Test
    void resumeWithADifferentConfig() throws IOException {
        Path run = Fixtures.scratch("run").resolve("r");
        assertEquals(0, SharedSpark.cli(train(Fixtures.smallDataset(), run).toArray(String[]::new)).exitCode());
        List<String> before = listing(run);
        List<String> args = new ArrayList<>(train(Fixtures.smallDataset(), run, "train.iterations=4", "adapt.lr=0.02"));
        args.add("--resume");
        rejects(args, "--resume", "adapt.lr: 0.005 vs 0.02");
        assertEquals(before, listing(run), "nothing written");
        // and a second train into the same run without --resume is refused too
        rejects(train(Fixtures.smallDataset(), run), "already has checkpoints", "--resume");
        assertEquals(before, listing(run), "nothing written");
    }

    @Test
    void runDirectoryLockedByAnotherRun() throws IOException {
        Path run = Fixtures.scratch("run").resolve("r");
        assertEquals(0, SharedSpark.cli(train(Fixtures.smallDataset(), run).toArray(String[]::new)).exitCode());
        Files.writeString(run.resolve(".lock"), "{\"owner\":\"elsewhere:42:abc\",\"lease_until_ms\":"
                + (System.currentTimeMillis() + 600_000) + "}");
        List<String> before = listing(run);
        List<String> args = new ArrayList<>(train(Fixtures.smallDataset(), run, "train.iterations=4"));
        args.add("--resume");
        rejects(args, "is locked by another run", "elsewhere:42:abc");
        assertEquals(before, listing(run), "nothing written");
    }

    @Test
    void metaBatchLargerThanTheTrainingTasks() {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "train.meta_batch=13"), "train.meta_batch = 13", "12 training tasks");
        assertFalse(Files.exists(run));
    }

    @Test
    void unknownFamilyAndExistingOutputInGenerate() {
        Path out = Fixtures.scratch("gen").resolve("d");
        rejects(List.of("generate", "--out", out.toString(), "--family", "unicycle"), "unknown task family 'unicycle'",
                "pendulum");
        assertFalse(Files.exists(out));
        rejects(List.of("generate", "--out", Fixtures.smallDataset().toString()), "output already exists");
        rejects(List.of("generate", "--out", out.toString(), "--train-tasks", "0"), "train_tasks must be >= 1; got 0");
        assertFalse(Files.exists(out));
    }

    @Test
    void badCommandLine() {
        rejects(List.of("train", "--frobnicate"), "Unknown option", "'--frobnicate'");
        rejects(List.of("evaluate", "--run", "x", "--split", "validation"), "split must be one of train, test, ood",
                "'validation'");
    }

    /** A copy of the small dataset whose dataset.json is edited by {@code edit} (the tables are copied as they are). */
    private static Path withManifest(String name, UnaryOperator<String> edit) throws IOException {
        Path dst = Fixtures.copy(Fixtures.smallDataset(), "bad-" + name);
        Path manifest = dst.resolve("dataset.json");
        Files.writeString(manifest, edit.apply(Files.readString(manifest)));
        return dst;
    }

    @Test
    void nonFiniteReward() throws IOException {
        Path nan = corrupted("nanreward", df -> df.withColumn("reward", when(at(3, 0, 5), lit(Float.NaN))
                .otherwise(col("reward"))));
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(nan, run), "task 3 episode 0 step 5", "reward is NaN");
        assertFalse(Files.exists(run));
        // collect passes its source on: it checks every value first, and writes nothing.
        Path inf = corrupted("infreward", df -> df.withColumn("reward", when(at(7, 1, 33), lit(Float.POSITIVE_INFINITY))
                .otherwise(col("reward"))));
        Path out = Fixtures.scratch("collect").resolve("v");
        rejects(List.of("collect", "--run", Fixtures.controlRun().toString(), "--dataset", inf.toString(), "--out",
                out.toString()), "task 7 episode 1 step 33", "reward is Infinity");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(out.resolveSibling(".v.tmp")));
    }

    @Test
    void actionDimensionsThatDoNotMatch() throws IOException {
        // A dataset whose dataset.json disagrees with its family's action dimension.
        Path data = withManifest("actiondim", m -> m.replaceFirst("\"action_dim\"\\s*:\\s*1", "\"action_dim\" : 2"));
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(data, run), "action_dim 2", "do not match family pendulum", "action_dim 1");
        assertFalse(Files.exists(run));
        Path out = Fixtures.scratch("collect").resolve("v");
        rejects(List.of("collect", "--run", Fixtures.controlRun().toString(), "--dataset", data.toString(), "--out",
                out.toString()), "action_dim 2", "do not match family pendulum");
        assertFalse(Files.exists(out));

        // A checkpoint whose manifest claims a model its theta does not fit (2 actions, theta for 1).
        Path copy = Fixtures.copy(Fixtures.controlRun(), "mismatched");
        Path manifest = copy.resolve("checkpoints/iter-000006/manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"action_dim\"\\s*:\\s*1", "\"action_dim\" : 2"));
        List<String> before = listing(copy);
        rejects(List.of("evaluate", "--run", copy.toString(), "--control"), "checkpoint iter-000006",
                "theta.npy must hold 470 float32 values", "2 act", "got 454");
        rejects(List.of("collect", "--run", copy.toString(), "--out", out.toString()), "theta.npy must hold 470");
        assertFalse(Files.exists(out));
        assertEquals(before, listing(copy), "nothing written");
    }

    @Test
    void plannerSettingsOutOfRange() throws IOException {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "control.planner.horizon=0"), "control.planner.horizon must be >= 1; got 0");
        rejects(train(Fixtures.smallDataset(), run, "control.planner.elites=600"), "control.planner.elites",
                "control.planner.candidates (500)", "600");
        rejects(train(Fixtures.smallDataset(), run, "control.planner.type=ilqr"), "control.planner.type", "random, cem, mppi",
                "ilqr");
        rejects(train(Fixtures.smallDataset(), run, "control.planner.noise_std=0"), "control.planner.noise_std", "> 0");
        rejects(train(Fixtures.smallDataset(), run, "control.adapter.type=bayes"), "control.adapter.type", "bayes");
        rejects(train(Fixtures.smallDataset(), run, "control.adapter.window=0"), "control.adapter.window", "got 0");
        rejects(train(Fixtures.smallDataset(), run, "train.rounds=3"), "train.rounds (3) must be <= train.iterations (2)");
        assertFalse(Files.exists(run));

        Path copy = Fixtures.copy(Fixtures.controlRun(), "planner");
        List<String> before = listing(copy);
        rejects(List.of("evaluate", "--run", copy.toString(), "--control", "--set", "control.planner.candidates=1"),
                "control.planner.candidates must be >= 2; got 1");
        rejects(List.of("evaluate", "--run", copy.toString(), "--control", "--set", "control.change_step=40"),
                "control.change_step (40) must be below the episode length (40)");
        rejects(List.of("evaluate", "--run", copy.toString(), "--control", "--set", "adapt.lr=0.1"),
                "--set adapt.lr", "only control.*, collect.*, famle.adapt_embedding_lr");
        Path out = Fixtures.scratch("collect").resolve("v");
        rejects(List.of("collect", "--run", copy.toString(), "--out", out.toString(), "--set", "control.planner.iterations=0"),
                "control.planner.iterations must be >= 1; got 0");
        assertFalse(Files.exists(out));
        assertEquals(before, listing(copy), "nothing written");
    }

    @Test
    void unknownFamilyInADataset() throws IOException {
        Path data = withManifest("family", m -> m.replace("\"pendulum\"", "\"unicycle\""));
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(data, run), "unknown task family 'unicycle'", "known: cartpole, pendulum, quadrotor-payload, reacher-damage, slope");
        assertFalse(Files.exists(run));
        Path out = Fixtures.scratch("collect").resolve("v");
        rejects(List.of("collect", "--run", Fixtures.controlRun().toString(), "--dataset", data.toString(), "--out",
                out.toString()), "unknown task family 'unicycle'");
        assertFalse(Files.exists(out));
    }

    @Test
    void roundsWithUnsupportedSchedulingOptions() {
        Path run = Fixtures.scratch("run").resolve("r");
        List<String> args = new ArrayList<>(train(Fixtures.smallDataset(), run, "train.rounds=2"));
        args.add("--more-iterations");
        args.add("3");
        rejects(args, "train.rounds = 2", "--more-iterations and --time-budget are not supported");
        assertFalse(Files.exists(run));
    }

    @Test
    void adaptiveModelSettingsOutOfRange() {
        Path run = Fixtures.scratch("run").resolve("r");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=famle", "famle.embedding_dim=0"),
                "famle.embedding_dim must be >= 1; got 0");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=vi", "vi.latent_dim=0"), "vi.latent_dim must be >= 1; got 0");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=vi", "vi.beta=-0.1"),
                "vi.beta must be a finite number >= 0; got -0.1");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=famle", "famle.embedding_lr=-1"),
                "famle.embedding_lr must be a finite number >= 0; got -1.0");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=famle", "famle.lr=-0.5"), "famle.lr", "-0.5");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=vi", "vi.posterior_lr=-0.5"), "vi.posterior_lr", "-0.5");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=vi", "vi.inference_lr=-0.5"), "vi.inference_lr", "-0.5");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=vi", "vi.inference_beta=-0.5"), "vi.inference_beta", "-0.5");
        rejects(train(Fixtures.smallDataset(), run, "algorithm=famle", "control.adapter.type=gradient"),
                "control.adapter.type 'gradient' does not fit algorithm famle", "famle, none");
        assertFalse(Files.exists(run));
    }

    /** A two-iteration famle run to break: its checkpoint holds the embeddings as task_state.npy. */
    private static Path famleRun() {
        Path run = Fixtures.scratch("famle-run").resolve("r");
        SharedSpark.Run r = SharedSpark.cli(train(Fixtures.smallDataset(), run, "algorithm=famle", "model.hidden=[8]")
                .toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return run;
    }

    @Test
    void checkpointWithoutItsTaskState() throws IOException {
        Path run = famleRun();
        Path ckpt = run.resolve("checkpoints/iter-000002");
        // The file gone, and gone from the manifest too (so no sha256 check catches it first).
        Files.delete(ckpt.resolve("task_state.npy"));
        Path manifest = ckpt.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("\"task_state.npy\" : \"[0-9a-f]+\",?", ""));
        List<String> before = listing(run);
        rejects(List.of("evaluate", "--run", run.toString(), "--split", "ood"), "checkpoint iter-000002",
                "task_state.npy is missing", "famle keeps 4 numbers");
        rejects(List.of("evaluate", "--run", run.toString(), "--control"), "task_state.npy is missing");
        Path out = Fixtures.scratch("export").resolve("m.zip");
        rejects(List.of("export", run.toString(), "--out", out.toString()), "task_state.npy is missing");
        assertFalse(Files.exists(out));
        assertEquals(before, listing(run), "nothing written");
    }

    @Test
    void checkpointWhoseTaskStateHasTheWrongShape() throws Exception {
        Path run = famleRun();
        Path ckpt = run.resolve("checkpoints/iter-000002");
        // 12 tasks x 3 numbers where the algorithm keeps 4, with a matching sha256: only the shape is wrong.
        byte[] npy = org.nd4j.linalg.factory.Nd4j.toNpyByteArray(org.nd4j.linalg.factory.Nd4j.zeros(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 12, 3));
        Files.write(ckpt.resolve("task_state.npy"), npy);
        String sha = org.mbmrl.driver.checkpoint.Files.sha256(npy);
        Path manifest = ckpt.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("(\"task_state.npy\" : \")[0-9a-f]+", "$1" + sha));
        List<String> before = listing(run);
        rejects(List.of("evaluate", "--run", run.toString(), "--split", "ood"), "task_state.npy must be float32 of shape",
                "[tasks, 4]", "[12, 3]");
        rejects(List.of("inspect", run.toString()));
        assertEquals(before, listing(run), "nothing written");
    }

    private static List<String> listing(Path dir) {
        return Rejections.listing(dir);
    }
}
