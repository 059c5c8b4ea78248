package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.train.MetaTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Meta-train a dynamics model (maml, reptile or pooled) on a dataset's train tasks.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--config", paramLabel = "FILE", description = "Run config (YAML); keys not given take their defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set train.lr=0.001 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "Continue the run in run_dir from its newest checkpoint, bit for bit.")
    boolean resume;

    @Override
    public Integer call() {
        RunConfig cfg = ConfigLoader.load(config, overrides);
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        MetaTrainer.train(spark.session("train"), cfg, resume, out);
        return 0;
    }
}
