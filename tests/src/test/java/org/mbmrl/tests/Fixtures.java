package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Data and configs shared by the integration tests (created once per test JVM). */
final class Fixtures {
    private static Path dataset;

    private Fixtures() {}

    static Path scratch(String name) {
        try {
            Path base = Path.of("target", "it-scratch").toAbsolutePath();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small pendulum dataset: 12 train, 3 test, 3 ood tasks of 2 episodes x 60 steps. */
    static synchronized Path smallDataset() {
        if (dataset == null) {
            Path dir = scratch("data").resolve("pendulum");
            SharedSpark.local2();
            SharedSpark.Run r = SharedSpark.cli("generate", "--out", dir.toString(), "--train-tasks", "12", "--test-tasks", "3",
                    "--ood-tasks", "3", "--episodes", "2", "--steps", "60", "--seed", "5");
            assertEquals(0, r.exitCode(), r.err());
            dataset = dir;
        }
        return dataset;
    }

    /** {@code train} arguments for a short run of {@code algorithm} on the small dataset. */
    static List<String> trainArgs(String algorithm, Path runDir, int iterations, String... extra) {
        List<String> args = new ArrayList<>(List.of("train",
                "--set", "algorithm=" + algorithm,
                "--set", "dataset=" + smallDataset(),
                "--set", "run_dir=" + runDir,
                "--set", "seed=11",
                "--set", "model.hidden=[16, 16]",
                "--set", "adapt.past=8", "--set", "adapt.future=8",
                "--set", "train.iterations=" + iterations,
                "--set", "train.meta_batch=4",
                "--set", "train.segments=2",
                "--set", "train.checkpoint_every=3"));
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        return args;
    }

    static SharedSpark.Run train(String algorithm, Path runDir, int iterations, String... extra) {
        return SharedSpark.cli(trainArgs(algorithm, runDir, iterations, extra).toArray(String[]::new));
    }

    /** Small control and collection settings (config keys), for runs whose controller is exercised. */
    static final String[] SMALL_CONTROL = {
        "control.planner.horizon=8", "control.planner.candidates=32", "control.planner.iterations=2",
        "control.planner.elites=4", "control.episode_length=40", "control.change_step=20", "control.tasks=2",
        "collect.episodes=1", "collect.tasks=3"};

    private static Path controlRun;

    /**
     * A maml run of 6 iterations on the small dataset with {@link #SMALL_CONTROL} settings
     * (trained once per test JVM). Tests that change it work on a copy ({@link #copy}).
     */
    static synchronized Path controlRun() {
        if (controlRun == null) {
            Path run = scratch("control-run").resolve("maml");
            SharedSpark.Run r = train("maml", run, 6, SMALL_CONTROL);
            assertEquals(0, r.exitCode(), r.err());
            controlRun = run;
        }
        return controlRun;
    }

    /** A recursive copy of {@code dir} into a new scratch directory, without Hadoop's {@code .crc} side files (so copies can be edited). */
    static Path copy(Path dir, String name) {
        Path target = scratch(name).resolve(dir.getFileName());
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Path q = target.resolve(dir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else if (!p.getFileName().toString().endsWith(".crc")) {
                    Files.copy(p, q);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Bytes of theta in a run's checkpoint {@code name}. */
    static byte[] theta(Path runDir, String name) {
        return checkpointFile(runDir, name, "theta.npy");
    }

    /** Bytes of {@code file} in a run's checkpoint {@code name}. */
    static byte[] checkpointFile(Path runDir, String name, String file) {
        try {
            return Files.readAllBytes(runDir.resolve("checkpoints").resolve(name).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
