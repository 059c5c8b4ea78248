package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mbmrl.driver.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mbmrl report RUN [RUN...] --out report.html}: one self-contained HTML file (opens
 * offline) with the runs' training curves, adaptation errors, control returns, recovery
 * after the mid-episode change and provenance; see {@link ReportWriter}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Write one offline HTML report (with figures) of one or more runs.",
        description = {"Write one self-contained HTML report (opens offline) of one or more runs: training curves,",
            "adaptation error before/after per split, control returns with 95% CIs, reward per step around the",
            "mid-episode change, and provenance (config, dataset fingerprint, checkpoint, versions)."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories written by `mbmrl train`.")
    List<String> runs = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML file to write (replaced whole).")
    Path out;

    @Override
    public Integer call() {
        PrintStream stdout = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        ReportWriter.write(spark.session("report"), runs, out, stdout);
        return 0;
    }
}
