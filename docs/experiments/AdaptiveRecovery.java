import java.nio.file.*;
import java.util.*;
import org.apache.spark.sql.*;
import org.mbmrl.workers.control.ControlEpisode;

/**
 * Recovery after the mid-episode change, two ways (a research script behind docs/results.md,
 * not part of the build; run with adaptive-recovery.sh in the campaign's directory): from the
 * ood episodes adaptive-control.sh keeps under episodes/FAMILY-LABEL-ood/, per family and
 * controller the mean steps until the 10-step mean reward is back (1) at its own level before
 * the change (the control table's recovery_steps) and (2) at the lower of that level and what
 * MPC on the true dynamics reaches at the same step of the same task's changed episode
 * ({@link ControlEpisode#recoveryStepsAgainst}; the reference comes from episodes/FAMILY-mb-ood).
 * Censored episodes count with the steps they ran after the change; in brackets the episodes
 * that got there.
 */
public class AdaptiveRecovery {
    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("recovery").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        System.out.println("| family | controller (label) | recovery: own level | recovery: own level or the true dynamics' |");
        System.out.println("|---|---|---|---|");
        for (String family : args) {
            Path ref = Paths.get("episodes", family + "-mb-ood");
            if (!Files.isDirectory(ref)) {
                System.err.println(family + ": no " + ref + ", left out");
                continue;
            }
            Map<String, double[]> reference = new HashMap<>();
            for (Row r : changed(spark, ref)) {
                if (r.getString(0).equals("true-dynamics")) {
                    reference.put(r.getLong(1) + "/" + r.getInt(2), rewards(r));
                }
            }
            List<Path> dirs = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Paths.get("episodes"), family + "-*-ood")) {
                ds.forEach(dirs::add);
            }
            Collections.sort(dirs);
            for (Path d : dirs) {
                String label = d.getFileName().toString();
                label = label.substring(family.length() + 1, label.length() - "-ood".length());
                Map<String, double[]> sums = new TreeMap<>();
                for (Row r : changed(spark, d)) {
                    String method = r.getString(0);
                    double[] rw = rewards(r);
                    int c = r.getInt(3);
                    double[] refRewards = reference.get(r.getLong(1) + "/" + r.getInt(2));
                    if (refRewards == null) {
                        throw new IllegalStateException(d + ": no true-dynamics episode for task " + r.getLong(1));
                    }
                    double[] s = sums.computeIfAbsent(method, k -> new double[5]);
                    s[0] += ControlEpisode.recoverySteps(rw, c);
                    s[1] += ControlEpisode.recovered(rw, c) ? 1 : 0;
                    s[2] += ControlEpisode.recoveryStepsAgainst(rw, c, refRewards);
                    s[3] += ControlEpisode.recoveredAgainst(rw, c, refRewards) ? 1 : 0;
                    s[4]++;
                }
                for (Map.Entry<String, double[]> e : sums.entrySet()) {
                    double[] s = e.getValue();
                    System.out.printf(Locale.ROOT, "| %s | %s (%s) | %.1f (%d/%d) | %.1f (%d/%d) |%n", family, e.getKey(), label,
                            s[0] / s[4], (int) s[1], (int) s[4], s[2] / s[4], (int) s[3], (int) s[4]);
                }
            }
        }
        spark.stop();
    }

    private static List<Row> changed(SparkSession spark, Path dir) {
        return spark.read().parquet(dir.toString())
                .where("changed")
                .selectExpr("method", "task_id", "episode", "change_step", "rewards")
                .orderBy("method", "task_id", "episode").collectAsList();
    }

    private static double[] rewards(Row r) {
        List<Double> l = r.getList(4);
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
