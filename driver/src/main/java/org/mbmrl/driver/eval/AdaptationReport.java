package org.mbmrl.driver.eval;

import java.util.List;
import java.util.Locale;
import org.mbmrl.workers.learn.TaskEvaluation;

/**
 * The outcome of {@code mbmrl evaluate}: per held-out task, the K-step prediction error
 * before and after adaptation, and the means over tasks.
 */
public record AdaptationReport(String algorithm, String split, int iteration, List<TaskEvaluation> tasks) {

    public double meanNllBefore() {
        return tasks.stream().mapToDouble(TaskEvaluation::nllBefore).average().orElse(Double.NaN);
    }

    public double meanNllAfter() {
        return tasks.stream().mapToDouble(TaskEvaluation::nllAfter).average().orElse(Double.NaN);
    }

    public double meanMseBefore() {
        return tasks.stream().mapToDouble(TaskEvaluation::mseBefore).average().orElse(Double.NaN);
    }

    public double meanMseAfter() {
        return tasks.stream().mapToDouble(TaskEvaluation::mseAfter).average().orElse(Double.NaN);
    }

    /** A plain-text table: one row per task (at most {@code maxRows}) and the mean. */
    public String table(int maxRows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s on %s tasks, checkpoint iteration %d (K-step NLL and MSE, before -> after adapting on M)%n",
                algorithm, split, iteration));
        b.append(String.format(Locale.ROOT, "%8s %12s %12s %12s %12s%n", "task", "nll_before", "nll_after", "mse_before", "mse_after"));
        int shown = 0;
        for (TaskEvaluation t : tasks) {
            if (shown++ >= maxRows) {
                b.append(String.format("%8s%n", "..."));
                break;
            }
            b.append(String.format(Locale.ROOT, "%8d %12.4f %12.4f %12.6f %12.6f%n", t.taskId(), t.nllBefore(), t.nllAfter(),
                    t.mseBefore(), t.mseAfter()));
        }
        b.append(String.format(Locale.ROOT, "%8s %12.4f %12.4f %12.6f %12.6f%n", "mean", meanNllBefore(), meanNllAfter(),
                meanMseBefore(), meanMseAfter()));
        return b.toString();
    }
}
