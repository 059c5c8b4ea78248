package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.checkpoint.TrainedRun;
import org.mbmrl.driver.control.ControlEvaluator;
import org.mbmrl.driver.control.ControlSource;
import org.mbmrl.driver.eval.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Prediction before/after adaptation, or control, on held-out tasks.",
        description = {"K-step prediction error on held-out tasks before and after adapting on the M previous transitions;",
            "with --control, control episodes with the run's adaptive MPC (online adaptation + planner) instead."})
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory written by `mbmrl train`.")
    String run;

    @Option(names = "--split", paramLabel = "SPLIT",
            description = "test or ood (default: ood; with --control: both test and ood).")
    String split;

    @Option(names = "--checkpoint", paramLabel = "NAME", description = "Checkpoint name, e.g. iter-000100 (default: the newest).")
    String checkpoint;

    @Option(names = "--control", description = {"Control episodes (config section control:) on the held-out tasks, without",
        "and with the family's mid-episode change; written to RUN/eval/control/iteration=N/."})
    boolean control;

    @Option(names = "--reference", description = "With --control: also MPC on the true dynamics (the upper bound).")
    boolean reference;

    @Option(names = TrainedRun.ALLOW_CHANGED_DATASET,
            description = "Use the run's dataset even if it changed since the checkpoint was trained on it.")
    boolean allowChangedDataset;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "With --control: override a control.* key of the run's config, e.g. --set control.planner.type=mppi.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        List<Split> splits = new ArrayList<>();
        if (split == null) {
            splits.addAll(control ? List.of(Split.TEST, Split.OOD) : List.of(Split.OOD));
        } else {
            Split s = Split.parse(split);
            if (s == Split.TRAIN) {
                throw new IllegalArgumentException("--split must be test or ood (held-out tasks); got 'train'");
            }
            splits.add(s);
        }
        if (!control && (reference || !overrides.isEmpty())) {
            throw new IllegalArgumentException((reference ? "--reference" : "--set") + " applies to evaluate --control only");
        }
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        if (control) {
            var session = spark.session("evaluate");
            ControlSource source = ControlSource.open(session, run, checkpoint, null, allowChangedDataset, overrides);
            ControlEvaluator.evaluate(session, source, splits, reference, out);
        } else {
            Evaluator.evaluate(spark.session("evaluate"), run, splits.get(0), checkpoint, allowChangedDataset, out);
        }
        return 0;
    }
}
