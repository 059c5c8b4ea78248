package org.mbmrl.driver.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The episodes of {@code evaluate --control} (one run, or several runs' for the demo) and
 * their summary table: per split, without / with the change, and method, the mean return
 * with its standard deviation and 95% confidence interval (over the episodes, one per task
 * unless {@code control.episodes} > 1), the mean steps to recover after the change and how many episodes recovered, and the mean
 * adapt and plan milliseconds per control step.
 */
public record ControlReport(String family, int iteration, List<EpisodeOutcome> episodes) {

    /** Several reports as one (the demo's comparison across runs). */
    public static ControlReport combine(List<ControlReport> reports) {
        List<EpisodeOutcome> all = new ArrayList<>();
        for (ControlReport r : reports) {
            all.addAll(r.episodes());
        }
        return new ControlReport(reports.isEmpty() ? "" : reports.get(0).family(), -1, all);
    }

    /** Mean return of the episodes of (split, changed, method); NaN if there are none. */
    public double meanReturn(String split, boolean changed, String method) {
        double sum = 0;
        int n = 0;
        for (EpisodeOutcome e : episodes) {
            if (e.split.equals(split) && e.changed == changed && e.method.equals(method)) {
                sum += e.totalReturn;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public String table() {
        Map<String, List<EpisodeOutcome>> groups = new LinkedHashMap<>();
        List<EpisodeOutcome> sorted = new ArrayList<>(episodes);
        sorted.sort(java.util.Comparator.comparing((EpisodeOutcome e) -> e.split).thenComparing(e -> e.changed)
                .thenComparing(e -> e.method.equals(ControlRunner.TRUE_DYNAMICS) ? 1 : 0).thenComparing(e -> e.method));
        for (EpisodeOutcome e : sorted) {
            groups.computeIfAbsent(e.split + "\u0000" + e.changed + "\u0000" + e.method, k -> new ArrayList<>()).add(e);
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "control on %s%s: mean return per episode (higher is better); recovery = steps"
                + " until the 10-step mean reward is back to its level before the change%n", family,
                iteration >= 0 ? " (checkpoint iteration " + iteration + ")" : ""));
        b.append(String.format(Locale.ROOT, "%-6s %-7s %-22s %8s %10s %10s %9s %10s %10s %9s %9s %9s%n", "split", "change",
                "method", "episodes", "return", "std", "ci95", "recovery", "recovered", "adapt_ms", "plan_ms", "rejected"));
        for (List<EpisodeOutcome> g : groups.values()) {
            EpisodeOutcome first = g.get(0);
            double mean = 0;
            double adapt = 0;
            double plan = 0;
            double rejected = 0;
            double recovery = 0;
            int recovered = 0;
            int withChange = 0;
            for (EpisodeOutcome e : g) {
                mean += e.totalReturn;
                adapt += e.adaptMs;
                plan += e.planMs;
                rejected += e.rejectedSteps;
                if (e.recoverySteps >= 0) {
                    recovery += e.recoverySteps;
                    withChange++;
                    recovered += e.recovered ? 1 : 0;
                }
            }
            mean /= g.size();
            double var = 0;
            for (EpisodeOutcome e : g) {
                var += (e.totalReturn - mean) * (e.totalReturn - mean);
            }
            double std = g.size() > 1 ? Math.sqrt(var / (g.size() - 1)) : 0;
            double ci = halfWidth95(std, g.size());
            String rec = withChange == 0 ? "-" : String.format(Locale.ROOT, "%.1f", recovery / withChange);
            String recN = withChange == 0 ? "-" : recovered + "/" + withChange;
            b.append(String.format(Locale.ROOT, "%-6s %-7s %-22s %8d %10.2f %10.2f %9s %10s %10s %9.2f %9.2f %9.1f%n",
                    first.split, first.changed ? "yes" : "no", first.method, g.size(), mean, std,
                    Double.isNaN(ci) ? "-" : String.format(Locale.ROOT, "%.2f", ci), rec, recN, adapt / g.size(),
                    plan / g.size(), rejected / g.size()));
        }
        return b.toString();
    }

    /**
     * Half-width of the 95% confidence interval of a mean of {@code n} values with sample
     * standard deviation {@code std}: Student's t quantile (n - 1 degrees of freedom) times the
     * standard error; NaN below two values.
     */
    public static double halfWidth95(double std, int n) {
        if (n < 2) {
            return Double.NaN;
        }
        double t = new org.apache.commons.math3.distribution.TDistribution(null, n - 1).inverseCumulativeProbability(0.975);
        return t * std / Math.sqrt(n);
    }
}
