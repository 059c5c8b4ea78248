import java.util.*;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.*;
import org.mbmrl.datasets.family.*;
import org.mbmrl.driver.control.*;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.workers.control.*;
import org.mbmrl.workers.learn.Adaptation;
import org.mbmrl.workers.model.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Control diagnostic behind docs/results.md (a research script, not part of the build):
 * on the first ood tasks of a pooled run and a maml run, runs paired episodes of MB (pooled +
 * none), GrBAL (maml + gradient, the run's k, alpha, M, loss), maml's theta* without
 * adaptation, and GrBAL with another k / alpha / M; then, along the GrBAL episode, the open-loop
 * prediction error H = 1, 5, 15 steps ahead (recorded actions, squared error in input-normalized
 * units) of pooled theta, maml theta* and the adapted phi_t. TRACE=1 prints reward traces,
 * FIRST=i starts at the i-th ood task. Run with control-diagnostic.sh.
 */
public class ControlDiagnostic {
  static SparkSession spark;
  record M(String label, ControlSource src, DynamicsModel model, INDArray theta) {}
  static M open(String run) {
    ControlSource s = ControlSource.open(spark, run, null, null, List.of());
    DynamicsModel model = s.run.spec.create(DataType.FLOAT);
    INDArray th = Nd4j.create(s.run.theta, new long[]{1, s.run.theta.length}, DataType.FLOAT);
    return new M(run, s, model, th);
  }
  public static void main(String[] a) {
    spark = SparkSession.builder().master("local[1]").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    M pooled = open(a[0]);
    M maml = open(a[1]);
    int ntasks = Integer.parseInt(a[2]);
    int k = Integer.parseInt(a[3]);
    double lr = Double.parseDouble(a[4]);
    int window = Integer.parseInt(a[5]);
    TaskFamily f = pooled.src.family;
    PlannerSettings ps = pooled.src.config.control().planner();
    long seed = pooled.src.config.seed();
    AdapterSettings cfg = maml.src.config.control().adapterSettings();
    List<DatasetReader.TaskParameters> tasks = pooled.src.data.taskParameters(Split.OOD);
    double[] sum = new double[4];
    double[][] err = new double[4][3];
    int[] H = {1, 5, 15};
    int nerr = 0;
    int first = System.getenv("FIRST") == null ? 0 : Integer.parseInt(System.getenv("FIRST"));
    for (DatasetReader.TaskParameters t : tasks.subList(first, first + ntasks)) {
      long reset = Seeds.derive(seed, ControlRunner.STREAM_CONTROL, t.taskId(), 0);
      long plan = Seeds.derive(seed, ControlRunner.STREAM_PLAN, t.taskId(), 0);
      double[] ret = new double[4];
      ControlEpisode.Result grbal = null;
      for (int m = 0; m < 4; m++) {
        M mm = m == 0 ? pooled : maml;
        String ad = m == 0 || m == 2 ? "none" : "gradient";
        AdapterSettings as = m == 3 ? new AdapterSettings(k, lr, window, cfg.loss()) : cfg;
        OnlineAdapter adapter = ad.equals("none") ? new NoAdapter(mm.theta) : new GradientAdapter(mm.model, mm.theta, as);
        ControlEpisode ep = ControlEpisode.onModel(f, new ModelDynamics(mm.model, AdaptedModel.of(mm.theta), mm.src.run.normalizer, f),
            adapter, new RecentTransitions(as.window(), mm.src.run.normalizer, 0, DataType.FLOAT), ps.withSeed(plan));
        ControlEpisode.Result r = ep.run(t.taskId(), 0, t.parameters(), new ControlEpisode.Settings(f.episodeLength(), -1, reset));
        ret[m] = r.totalReturn();
        sum[m] += r.totalReturn();
        if (m == 1) grbal = r;
        if (System.getenv("TRACE") != null) {
          StringBuilder sb = new StringBuilder("  trace m" + m + ":");
          for (int i = 0; i < r.steps(); i += 4) sb.append(String.format(" %.2f", r.rewards()[i]));
          System.out.println(sb);
          if (m == 1) {
            StringBuilder ab = new StringBuilder("  actions m1:");
            float[] aa = r.transitions().action();
            for (int i = 0; i < r.steps(); i += 4) ab.append(String.format(" (%.1f,%.1f,%.1f)", aa[i*3], aa[i*3+1], aa[i*3+2]));
            System.out.println(ab);
          }
        }
      }
      System.out.printf("task %d params %s  MB %.2f  GrBAL %.2f  maml-none %.2f  GrBAL(k=%d lr=%g M=%d) %.2f%n", t.taskId(),
          Arrays.toString(t.parameters()), ret[0], ret[1], ret[2], k, lr, window, ret[3]);
      // Prediction errors on the GrBAL trajectory: pooled, maml theta*, maml phi_t (config), maml phi_t (variant)
      TaskTransitions tr = grbal.transitions();
      Normalizer norm = maml.src.run.normalizer;
      for (int s = cfg.window(); s + 15 < tr.size(); s += 3) {
        Batch win = Batch.of(tr, s - cfg.window(), cfg.window(), norm, 0, DataType.FLOAT);
        INDArray phi = Adaptation.adapt(maml.model, maml.theta, win, cfg.steps(), cfg.lr(), cfg.loss());
        int w2 = Math.min(window, s);
        Batch win2 = Batch.of(tr, s - w2, w2, norm, 0, DataType.FLOAT);
        INDArray phi2 = Adaptation.adapt(maml.model, maml.theta, win2, k, lr, cfg.loss());
        INDArray[] ths = {pooled.theta, maml.theta, phi, phi2};
        Normalizer[] ns = {pooled.src.run.normalizer, norm, norm, norm};
        for (int m = 0; m < 4; m++) {
          for (int hi = 0; hi < 3; hi++) {
            err[m][hi] += rollErr(m == 0 ? pooled.model : maml.model, ths[m], ns[m], f, tr, s, H[hi]);
          }
        }
        nerr++;
      }
    }
    System.out.printf("MEAN  MB %.2f  GrBAL %.2f  maml-none %.2f  variant %.2f%n", sum[0] / ntasks, sum[1] / ntasks, sum[2] / ntasks, sum[3] / ntasks);
    String[] lab = {"pooled", "maml theta*", "maml phi", "maml phi variant"};
    for (int m = 0; m < 4; m++) {
      System.out.printf("open-loop err on GrBAL traj %-18s H1 %.4f H5 %.4f H15 %.4f%n", lab[m], err[m][0] / nerr, err[m][1] / nerr, err[m][2] / nerr);
    }
    spark.stop();
  }
  /** mean squared error (in input-normalized units) of the H-step open-loop prediction from row s with recorded actions. */
  static double rollErr(DynamicsModel model, INDArray th, Normalizer norm, TaskFamily f, TaskTransitions tr, int s, int h) {
    int ds = f.observationDim(), da = f.actionDim();
    ModelDynamics md = new ModelDynamics(model, AdaptedModel.of(th), norm, f);
    double[] st = new double[ds];
    for (int j = 0; j < ds; j++) st[j] = tr.observation()[s * ds + j];
    double[] act = new double[da];
    double[] rw = new double[1];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < da; j++) act[j] = tr.action()[(s + i) * da + j];
      md.step(s + i, st, act, 1, rw);
    }
    double e = 0;
    float[] is = norm.inputStd();
    for (int j = 0; j < ds; j++) {
      double d = (st[j] - tr.nextObservation()[(s + h - 1) * ds + j]) / is[j];
      e += d * d;
    }
    return e / ds;
  }
}
