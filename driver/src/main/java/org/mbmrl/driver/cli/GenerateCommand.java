package org.mbmrl.driver.cli;

import java.util.concurrent.Callable;
import org.mbmrl.datasets.TaskDistribution;
import org.mbmrl.driver.data.DatasetGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        header = "Simulate seeded random-action episodes; write a dataset.",
        description = "Simulate seeded random-action episodes for a task family and write a dataset (Parquet).")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset directory to create (any Hadoop URI).")
    String out;

    @Option(names = "--family", description = "Task family: cartpole, pendulum, quadrotor-payload, reacher-damage or slope"
            + " (default: the --tasks file's family, else pendulum).")
    String family;

    @Option(names = "--tasks", paramLabel = "FILE.yaml", description = "Task distribution: which parameters vary over which"
            + " ranges for train/test (nominal) and ood, and the size of the mid-episode change (see docs/families.md);"
            + " keys not given keep the family's defaults.")
    java.nio.file.Path tasks;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE", description = "Override one task-distribution key, e.g."
            + " ood.mass=[2.0,3.5] or change.payload=0.5 (repeatable; applied after --tasks).")
    java.util.List<String> sets = new java.util.ArrayList<>();

    @Option(names = "--train-tasks", defaultValue = "40", description = "Training tasks (default: ${DEFAULT-VALUE}).")
    int trainTasks;

    @Option(names = "--test-tasks", defaultValue = "10", description = "Test tasks, same distribution (default: ${DEFAULT-VALUE}).")
    int testTasks;

    @Option(names = "--ood-tasks", defaultValue = "10", description = "Out-of-distribution tasks (default: ${DEFAULT-VALUE}).")
    int oodTasks;

    @Option(names = "--episodes", defaultValue = "4", description = "Episodes per task (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--steps", defaultValue = "100", description = "Steps per episode (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of task parameters and episodes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        // Validated here, before any Spark work; the generator checks episodes and steps first too.
        org.mbmrl.driver.MemoryBudget.checkTaskCount((long) trainTasks + testTasks + oodTasks);
        org.mbmrl.driver.data.TaskRangesJson.Resolved r = org.mbmrl.driver.data.TaskRangesJson.load(tasks, sets, family);
        TaskDistribution dist = new TaskDistribution(r.family().name(), trainTasks, testTasks, oodTasks, seed, r.ranges());
        DatasetGenerator.generate(spark.session("generate"), out, dist, episodes, steps,
                new java.io.PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true));
        return 0;
    }
}
