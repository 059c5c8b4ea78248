package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.mbmrl.driver.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mbmrl} command line: {@code demo}, {@code generate}, {@code train},
 * {@code collect}, {@code evaluate}, {@code inspect}, {@code export}, {@code bench}. The same main class runs
 * under {@code bin/mbmrl} (embedded {@code local[*]} Spark) and under spark-submit.
 *
 * <p>Exit codes: 0 success; 2 bad usage or bad input (one line on stderr naming the
 * culprit); 1 anything else (a bug or an environment failure, with its stack trace).
 */
@Command(name = "mbmrl", mixinStandardHelpOptions = true, version = "mbmrl 0.1.0",
        description = "Distributed meta-training of adaptive dynamics models (model-based meta-RL) on Apache Spark.",
        subcommands = {DemoCommand.class, GenerateCommand.class, TrainCommand.class, CollectCommand.class, EvaluateCommand.class,
            InspectCommand.class, ExportCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Mbmrl implements Callable<Integer> {
    public static final int EXIT_USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USER_ERROR;
    }

    public static void main(String[] args) {
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
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String message = userMessage(ex);
            if (message == null) {
                throw ex;
            }
            err.println("mbmrl: error: " + message);
            return EXIT_USER_ERROR;
        });
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.setOut(cli.getOut());
            sub.setErr(cli.getErr());
        }
        return cli.execute(args);
    }

    /**
     * The one-line message of a caller error anywhere in the cause chain (executors' errors
     * reach the driver wrapped in Spark exceptions), or null for anything else.
     */
    static String userMessage(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof UserError || t instanceof IllegalArgumentException) {
                String m = t.getMessage();
                return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
            }
        }
        return null;
    }
}
