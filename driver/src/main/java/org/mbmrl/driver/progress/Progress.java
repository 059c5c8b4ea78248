package org.mbmrl.driver.progress;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of a long command ({@code generate}, {@code train}, {@code evaluate --control},
 * {@code collect}, {@code import}). On a terminal it is a progress bar on stderr with the rate
 * and the time left (me.tongfei:progressbar), and the per-step lines are left out; anywhere
 * else (a log file, a pipe, CI) it draws nothing and the command prints its lines as before.
 *
 * <p>The mode is {@code MBMRL_PROGRESS} (or the system property {@code mbmrl.progress}):
 * {@code auto} (the default: a bar when stdin and stdout are a terminal), {@code bar} or
 * {@code lines}.
 */
public final class Progress implements AutoCloseable {
    private static final String CLEAR_LINE = "\r\u001b[2K";

    private final ProgressBar bar;
    private final PrintStream lines;
    private final PrintStream terminal;

    private Progress(ProgressBar bar, PrintStream lines, PrintStream terminal) {
        this.bar = bar;
        this.lines = lines;
        this.terminal = terminal;
    }

    /** Whether progress is drawn as a bar here (see the class comment). */
    public static boolean barsWanted() {
        String mode = System.getProperty("mbmrl.progress", System.getenv().getOrDefault("MBMRL_PROGRESS", "auto"));
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "bar" -> true;
            case "lines" -> false;
            default -> System.console() != null;
        };
    }

    /**
     * Progress of {@code total} units (for example iterations, tasks) called {@code task};
     * {@code lines} is where the command's own lines go.
     */
    public static Progress start(String task, long total, String unit, PrintStream lines) {
        if (!barsWanted() || total <= 0) {
            return new Progress(null, lines, null);
        }
        PrintStream err = System.err;
        int width = 100;
        try {
            width = Math.max(60, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100")));
        } catch (NumberFormatException ignored) {
            // keep 100
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setUnit(" " + unit, 1).showSpeed(new java.text.DecimalFormat("0.0"))
                .setSpeedUnit(ChronoUnit.SECONDS).setConsumer(new ConsoleProgressBarConsumer(err, width - 1)).build();
        return new Progress(bar, lines, err);
    }

    /** Whether this progress draws a bar (then the per-step lines are left out). */
    public boolean isBar() {
        return bar != null;
    }

    /** Advances by {@code n} units. */
    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** A short status shown after the bar (the latest losses, say); nothing without a bar. */
    public void status(String text) {
        if (bar != null) {
            bar.setExtraMessage(" " + text);
        }
    }

    /** A per-step line: printed when there is no bar (the bar shows the same progress). */
    public void detail(String line) {
        if (bar == null) {
            lines.println(line);
        }
    }

    /** A line printed in both modes (above the bar when there is one). */
    public void line(String line) {
        if (bar != null) {
            terminal.print(CLEAR_LINE);
            terminal.flush();
        }
        lines.println(line);
    }

    /**
     * Steps once per finished Spark task until {@link #close()}: for a command whose work is
     * one job of {@code total} tasks (each task of the job is one unit).
     */
    public Counting countSparkTasks(SparkContext sc) {
        if (bar == null) {
            return () -> { };
        }
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo() != null && end.taskInfo().successful()) {
                    step(1);
                }
            }
        };
        sc.addSparkListener(listener);
        return () -> sc.removeSparkListener(listener);
    }

    /** Stops counting Spark tasks. */
    public interface Counting extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
