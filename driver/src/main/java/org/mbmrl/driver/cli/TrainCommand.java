package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.train.IterativeTrainer;
import org.mbmrl.driver.train.MetaTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Meta-train a dynamics model on a dataset (the Spark outer loop).",
        description = {"Meta-train a dynamics model with one of the registered algorithms (pooled, maml, reptile, famle, vi;",
            "config key algorithm) on a dataset's train tasks; with",
            "train.rounds > 1, alternate training with on-policy collection (GrBAL algorithm 1)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--config", paramLabel = "FILE", description = "Run config (YAML); keys not given take their defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set train.lr=0.001 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "Continue the run in run_dir from its newest intact checkpoint, bit for bit"
            + " (a corrupt newest checkpoint is set aside and the previous one used).")
    boolean resume;

    @Option(names = "--continue", description = "Scheduled training: continue run_dir if it has a checkpoint, else start it.")
    boolean continueIfExists;

    @Option(names = "--more-iterations", paramLabel = "N",
            description = "Train N iterations past the starting checkpoint (instead of up to train.iterations).")
    Integer moreIterations;

    @Option(names = "--time-budget", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop, with a checkpoint, before an iteration that would end after this much wall time,"
                    + " e.g. 90m, 2h, 45s.")
    Duration timeBudget;

    @Override
    public Integer call() {
        if (moreIterations != null && moreIterations < 1) {
            throw new IllegalArgumentException("--more-iterations must be >= 1; got " + moreIterations);
        }
        MetaTrainer.Mode mode = new MetaTrainer.Mode(resume, continueIfExists, moreIterations == null ? 0 : moreIterations,
                timeBudget);
        RunConfig cfg = ConfigLoader.load(config, overrides);
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        IterativeTrainer.train(spark.session("train"), cfg, mode, out);
        return 0;
    }

    /** Parses {@code 45s}, {@code 90m}, {@code 2h}, {@code 1d} or an ISO-8601 duration ({@code PT2H}). */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(value.trim());
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    return switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                }
                return Duration.parse(value.trim());
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (e.g. 45s, 90m, 2h, 1d, PT2H)");
            }
        }
    }
}
