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
        description = "Simulate seeded random-action episodes for a task family and write a dataset (Parquet).")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset directory to create (any Hadoop URI).")
    String out;

    @Option(names = "--family", defaultValue = "pendulum", description = "Task family (default: ${DEFAULT-VALUE}).")
    String family;

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
        TaskDistribution dist = new TaskDistribution(family, trainTasks, testTasks, oodTasks, seed);
        DatasetGenerator.generate(spark.session("generate"), out, dist, episodes, steps,
                new java.io.PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true));
        return 0;
    }
}
