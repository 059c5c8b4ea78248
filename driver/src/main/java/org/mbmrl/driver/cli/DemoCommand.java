package org.mbmrl.driver.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.TaskDistribution;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.control.ControlEvaluator;
import org.mbmrl.driver.control.ControlReport;
import org.mbmrl.driver.control.ControlSource;
import org.mbmrl.driver.data.DatasetGenerator;
import org.mbmrl.driver.eval.AdaptationReport;
import org.mbmrl.driver.eval.Evaluator;
import org.mbmrl.driver.report.ReportWriter;
import org.mbmrl.driver.train.MetaTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "The whole pipeline on small pendulum data: train, evaluate, control.",
        description = {"Generate a small pendulum dataset, train pooled, reptile, maml, famle, vi and rebal, evaluate",
            "them on out-of-distribution tasks (heavier, longer pendulums) and print the comparison; then control",
            "episodes on those tasks: GrBAL (maml), FAMLE, VI and ReBAL, each adapting online, vs pooled (MB) vs",
            "MPC on the true dynamics. Ends with DIR/report.html, the HTML report of all six runs."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> ALGORITHMS = List.of("pooled", "reptile", "maml", "famle", "vi", "rebal");
    /**
     * The runs compared in control, each with its own online adapter: GrBAL (maml, with the
     * true-dynamics reference), MB (pooled), FAMLE, VI and ReBAL.
     */
    static final List<String> CONTROL_ALGORITHMS = List.of("maml", "pooled", "famle", "vi", "rebal");

    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--dir", defaultValue = "mbmrl-demo", paramLabel = "DIR",
            description = "Working directory for the dataset and runs; replaced runs are deleted (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a key of the demo config for all five runs, e.g. --set train.iterations=50 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        SparkSession session = spark.session("demo");
        Path data = dir.resolve("data");
        if (Files.exists(data.resolve("dataset.json"))) {
            out.println("reusing dataset " + data);
        } else {
            deleteTree(data);
            Files.createDirectories(dir);
            DatasetGenerator.generate(session, data.toString(), new TaskDistribution("pendulum", 40, 10, 10, 1), 4, 100, out);
        }
        Path demoConfig = dir.resolve("demo.yaml");
        try (InputStream in = ConfigLoader.class.getResourceAsStream("demo.yaml")) {
            Files.write(demoConfig, in.readAllBytes());
        }
        List<AdaptationReport> reports = new ArrayList<>();
        List<Path> runs = new ArrayList<>();
        for (String algorithm : ALGORITHMS) {
            Path run = dir.resolve("runs").resolve(algorithm);
            deleteTree(run);
            List<String> sets = new ArrayList<>(List.of("algorithm=" + algorithm, "dataset=" + data, "run_dir=" + run));
            sets.addAll(overrides);
            RunConfig config = ConfigLoader.load(demoConfig, sets);
            MetaTrainer.train(session, config, false, out);
            reports.add(Evaluator.evaluate(session, run.toString(), Split.OOD, null, false, out));
            runs.add(run);
        }
        out.println();
        out.print(comparison(reports));

        // Control (survey IV-A, alg. 2 + eq. 16): GrBAL, FAMLE (alg. 4), VI (alg. 5) and ReBAL, each adapting online, vs MB
        // (pooled, no adaptation) vs MPC on the true dynamics, on the ood tasks, without and with the mid-episode change.
        out.println();
        List<ControlReport> control = new ArrayList<>();
        for (String algorithm : CONTROL_ALGORITHMS) {
            Path run = runs.get(ALGORITHMS.indexOf(algorithm));
            ControlSource source = ControlSource.open(session, run.toString(), null, null, false, List.of());
            control.add(ControlEvaluator.evaluate(session, source, List.of(Split.OOD), algorithm.equals("maml"), out));
        }
        out.println();
        out.print(ControlReport.combine(control).table());

        // Everything above as one offline HTML page.
        out.println();
        ReportWriter.Written report = ReportWriter.write(session, runs.stream().map(Path::toString).toList(),
                dir.resolve("report.html"), out);
        out.println("report: " + report.file());
        return 0;
    }

    /** The demo's closing table: one row per algorithm, means over the ood tasks. */
    static String comparison(List<AdaptationReport> reports) {
        StringBuilder b = new StringBuilder();
        b.append("K-step prediction error on ood tasks (mean over tasks; after = adapted on the M previous transitions)\n");
        b.append(String.format(Locale.ROOT, "%-10s %12s %12s %12s %12s%n", "algorithm", "nll_before", "nll_after", "mse_before",
                "mse_after"));
        for (AdaptationReport r : reports) {
            b.append(String.format(Locale.ROOT, "%-10s %12.4f %12.4f %12.6f %12.6f%n", r.algorithm(), r.meanNllBefore(),
                    r.meanNllAfter(), r.meanMseBefore(), r.meanMseAfter()));
        }
        return b.toString();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
