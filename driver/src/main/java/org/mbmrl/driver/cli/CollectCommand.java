package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mbmrl.driver.checkpoint.TrainedRun;
import org.mbmrl.driver.control.Collector;
import org.mbmrl.driver.control.ControlSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "collect", mixinStandardHelpOptions = true,
        header = "Run a trained controller on train tasks; write a dataset version.",
        description = {"On-policy episodes with a run's adaptive MPC (its model + online adapter) on train tasks, written",
            "as a new dataset version: the source dataset's tasks and transitions plus the new episodes, with",
            "provenance in dataset.json. The source is never modified."})
final class CollectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory written by `mbmrl train`.")
    String run;

    @Option(names = "--checkpoint", paramLabel = "NAME", description = "Checkpoint name, e.g. iter-000100 (default: the newest).")
    String checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The new dataset directory (must not exist).")
    String out;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "Source dataset (default: the one the checkpoint was trained on).")
    String dataset;

    @Option(names = "--round", paramLabel = "K", description = "Round number recorded in the provenance and used in the"
            + " seeds (default: the checkpoint's round + 1).")
    Integer round;

    @Option(names = TrainedRun.ALLOW_CHANGED_DATASET,
            description = "Use the run's dataset even if it changed since the checkpoint was trained on it.")
    boolean allowChangedDataset;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a control.* or collect.* key of the run's config, e.g. --set collect.episodes=4.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream progress = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        var session = spark.session("collect");
        ControlSource source = ControlSource.open(session, run, checkpoint, dataset, allowChangedDataset, overrides);
        Collector.collect(session, source, out, round != null ? round : source.round() + 1, progress);
        return 0;
    }
}
