package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.eval.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "K-step prediction error on held-out tasks before and after adapting on the M previous transitions.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory written by `mbmrl train`.")
    String run;

    @Option(names = "--split", defaultValue = "ood", paramLabel = "SPLIT", description = "test or ood (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--checkpoint", paramLabel = "NAME", description = "Checkpoint name, e.g. iter-000100 (default: the newest).")
    String checkpoint;

    @Override
    public Integer call() {
        Split s = Split.parse(split);
        if (s == Split.TRAIN) {
            throw new IllegalArgumentException("--split must be test or ood (held-out tasks); got 'train'");
        }
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        Evaluator.evaluate(spark.session("evaluate"), run, s, checkpoint, out);
        return 0;
    }
}
