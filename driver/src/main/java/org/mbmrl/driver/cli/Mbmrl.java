package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.mbmrl.driver.UserError;
import org.mbmrl.workers.BlasLibrary;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mbmrl} command line: {@code demo}, {@code generate}, {@code import}, {@code train},
 * {@code collect}, {@code evaluate}, {@code report}, {@code inspect}, {@code export}, {@code bench}. The same main class runs
 * under {@code bin/mbmrl} (embedded {@code local[*]} Spark) and under spark-submit.
 *
 * <p>Exit codes: 0 success; 2 bad usage or bad input (one line on stderr naming the
 * culprit); 1 anything else (an environment failure or a bug: one line with the file its
 * stack trace was written to). {@code --verbose} also prints the stack trace ({@link Failures}).
 */
@Command(name = "mbmrl", mixinStandardHelpOptions = true, version = "mbmrl 0.1.0",
        description = "Distributed meta-training of adaptive dynamics models (model-based meta-RL) on Apache Spark.",
        subcommands = {DemoCommand.class, GenerateCommand.class, ImportCommand.class, TrainCommand.class, CollectCommand.class,
            EvaluateCommand.class, ReportCommand.class, InspectCommand.class, ExportCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Mbmrl implements Callable<Integer> {
    public static final int EXIT_USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the stack trace after the error line.")
    boolean verbose;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USER_ERROR;
    }

    public static void main(String[] args) {
        BlasLibrary.select();
        int code = execute(args, System.out, System.err);
        System.exit(code);
    }

    /** Runs a command line in this JVM and returns its exit code (tests call this). */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Mbmrl());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            String name = ex.getCommandLine().getCommandName();
            err.println("mbmrl: error: " + ex.getMessage() + " (see: mbmrl " + (name.equals("mbmrl") ? "" : name + " ")
                    + "--help)");
            return EXIT_USER_ERROR;
        });
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> Failures.report(ex, cli.getErr(), verbose));
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.setOut(cli.getOut());
            sub.setErr(cli.getErr());
        }
        try {
            return cli.execute(args);
        } catch (Throwable t) { // errors picocli does not catch (out of memory, a failing static initializer)
            return Failures.report(t, cli.getErr(), verbose);
        }
    }
}
