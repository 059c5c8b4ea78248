package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.mbmrl.driver.bench.SparkOverhead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks: the Spark overhead of an outer iteration (meta-batch 20, maml) against the same",
            "inner loops in one plain JVM loop, measured in the same run."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--iterations", defaultValue = "5", description = "Timed outer iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--hidden", defaultValue = "512,512,512", split = ",", description = "Hidden widths (default: W1's ${DEFAULT-VALUE}).")
    int[] hidden;

    @Override
    public Integer call() {
        if (iterations < 1) {
            throw new IllegalArgumentException("--iterations must be >= 1; got " + iterations);
        }
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        SparkOverhead.Figures f = SparkOverhead.measure(spark.session("bench"), hidden, iterations, out);
        out.print(f.table());
        return 0;
    }
}
