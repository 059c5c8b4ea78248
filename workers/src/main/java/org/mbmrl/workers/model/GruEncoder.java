package org.mbmrl.workers.model;

import java.util.SplittableRandom;
import org.mbmrl.datasets.Seeds;

/**
 * A GRU (Cho et al. 2014) run over a sequence of transitions, the recurrent learner of ReBAL:
 * starting from {@code h_0 = 0}, each step reads one input row {@code u_t} and updates the
 * hidden state,
 *
 * <pre>
 *   z = sigmoid(u W_z + h U_z + b_z)          update gate
 *   r = sigmoid(u W_r + h U_r + b_r)          reset gate
 *   n = tanh(u W_n + (r * h) U_n + b_n)        candidate
 *   h' = (1 - z) * n + z * h
 * </pre>
 *
 * so every component of h stays in (-1, 1). {@link #backward} is backpropagation through time:
 * the gradient of a loss of the last hidden state with respect to every parameter.
 *
 * <p>Parameters, {@link #parameterCount()} = 3H (I + H + 1) numbers for input width I and
 * hidden width H, laid out as {@code W} (I x 3H, row-major), {@code U} (H x 3H, row-major),
 * {@code b} (3H), the gate blocks of each in the order z, r, n. (PyTorch's {@code nn.GRU}
 * applies the reset gate after the recurrent product, {@code r * (h U_n + b_hn)}; this is the
 * original formulation, and neither DL4J's nor Keras's GRU layer stores it this way, so an
 * export writes these arrays as they are.)
 *
 * <p>Plain Java in double precision: the matrices are tiny (a few thousand parameters, a batch
 * of a few sequences), where an ND4J op's dispatch costs more than its arithmetic. Not
 * thread-safe: one instance per thread (its scratch arrays hold the last forward pass).
 */
public final class GruEncoder {
    private final int in;
    private final int hidden;
    private int batch;
    private int steps;
    /** Per step t (0-based): the input, the state before it, the gates. */
    private double[][] u = new double[0][];
    private double[][] h = new double[0][];
    private double[][] z = new double[0][];
    private double[][] r = new double[0][];
    private double[][] n = new double[0][];

    public GruEncoder(int inputDim, int hiddenDim) {
        if (inputDim < 1 || hiddenDim < 1) {
            throw new IllegalArgumentException("a GRU needs input and hidden widths >= 1; got " + inputDim + ", " + hiddenDim);
        }
        this.in = inputDim;
        this.hidden = hiddenDim;
    }

    public static int parameterCount(int inputDim, int hiddenDim) {
        return 3 * hiddenDim * (inputDim + hiddenDim + 1);
    }

    public int parameterCount() {
        return parameterCount(in, hidden);
    }

    public int inputDim() {
        return in;
    }

    public int hiddenDim() {
        return hidden;
    }

    /**
     * Seeded initial parameters: Xavier-normal W and U per gate block (std sqrt(2 / (fan in + H))),
     * zero biases.
     */
    public static double[] initialParameters(int inputDim, int hiddenDim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int g = 3 * hiddenDim;
        double[] p = new double[parameterCount(inputDim, hiddenDim)];
        double sw = Math.sqrt(2.0 / (inputDim + hiddenDim));
        double su = Math.sqrt(2.0 / (2 * hiddenDim));
        for (int i = 0; i < inputDim * g; i++) {
            p[i] = sw * Seeds.gaussian(rng);
        }
        for (int i = inputDim * g; i < (inputDim + hiddenDim) * g; i++) {
            p[i] = su * Seeds.gaussian(rng);
        }
        return p;
    }

    /**
     * Runs {@code batch} sequences of {@code steps} inputs: {@code inputs[t]} holds step t of
     * every sequence ({@code batch x I}, row-major). Returns the last hidden states
     * ({@code batch x H}, row-major, a new array); keeps what {@link #backward} needs.
     */
    public double[] forward(double[] params, double[][] inputs, int batch) {
        int steps = inputs.length;
        ensure(steps, batch);
        int g = 3 * hidden;
        int uOff = in * g;
        int bOff = (in + hidden) * g;
        double[] hPrev = h[0];
        java.util.Arrays.fill(hPrev, 0, batch * hidden, 0);
        for (int t = 0; t < steps; t++) {
            System.arraycopy(inputs[t], 0, u[t], 0, batch * in);
            double[] ut = u[t];
            double[] ht = h[t];
            double[] zt = z[t];
            double[] rt = r[t];
            double[] nt = n[t];
            double[] next = h[t + 1];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < hidden; j++) {
                    double az = params[bOff + j];
                    double ar = params[bOff + hidden + j];
                    double an = params[bOff + 2 * hidden + j];
                    for (int i = 0; i < in; i++) {
                        double x = ut[b * in + i];
                        int w = i * g + j;
                        az += x * params[w];
                        ar += x * params[w + hidden];
                        an += x * params[w + 2 * hidden];
                    }
                    for (int k = 0; k < hidden; k++) {
                        double hk = ht[b * hidden + k];
                        int w = uOff + k * g + j;
                        az += hk * params[w];
                        ar += hk * params[w + hidden];
                    }
                    zt[b * hidden + j] = sigmoid(az);
                    rt[b * hidden + j] = sigmoid(ar);
                    nt[b * hidden + j] = an; // the input part; the reset part is added below
                }
                for (int j = 0; j < hidden; j++) {
                    double an = nt[b * hidden + j];
                    for (int k = 0; k < hidden; k++) {
                        an += rt[b * hidden + k] * ht[b * hidden + k] * params[uOff + k * g + 2 * hidden + j];
                    }
                    double nj = Math.tanh(an);
                    nt[b * hidden + j] = nj;
                    double zj = zt[b * hidden + j];
                    next[b * hidden + j] = (1 - zj) * nj + zj * ht[b * hidden + j];
                }
            }
        }
        double[] out = new double[batch * hidden];
        System.arraycopy(h[steps], 0, out, 0, batch * hidden);
        return out;
    }

    /**
     * Backpropagation through time of the last {@link #forward}: given dL/dh_T
     * ({@code batch x H}), <em>adds</em> dL/d(params) into {@code gradient}.
     */
    public void backward(double[] params, double[] dLastHidden, double[] gradient) {
        int g = 3 * hidden;
        int uOff = in * g;
        int bOff = (in + hidden) * g;
        double[] dh = dLastHidden.clone();
        double[] dPrev = new double[batch * hidden];
        double[] daz = new double[hidden];
        double[] dar = new double[hidden];
        double[] dan = new double[hidden];
        double[] drh = new double[hidden];
        for (int t = steps - 1; t >= 0; t--) {
            double[] ut = u[t];
            double[] ht = h[t];
            double[] zt = z[t];
            double[] rt = r[t];
            double[] nt = n[t];
            java.util.Arrays.fill(dPrev, 0);
            for (int b = 0; b < batch; b++) {
                int row = b * hidden;
                for (int j = 0; j < hidden; j++) {
                    double d = dh[row + j];
                    double zj = zt[row + j];
                    double nj = nt[row + j];
                    dPrev[row + j] += d * zj;
                    dan[j] = d * (1 - zj) * (1 - nj * nj);
                    daz[j] = d * (ht[row + j] - nj) * zj * (1 - zj);
                }
                // d(r * h) = dan U_n^T; the candidate's recurrent weights see r * h.
                for (int k = 0; k < hidden; k++) {
                    double s = 0;
                    int w = uOff + k * g + 2 * hidden;
                    for (int j = 0; j < hidden; j++) {
                        s += dan[j] * params[w + j];
                    }
                    drh[k] = s;
                }
                for (int k = 0; k < hidden; k++) {
                    double rk = rt[row + k];
                    double hk = ht[row + k];
                    dar[k] = drh[k] * hk * rk * (1 - rk);
                    dPrev[row + k] += drh[k] * rk;
                }
                for (int i = 0; i < in; i++) {
                    double x = ut[b * in + i];
                    int w = i * g;
                    for (int j = 0; j < hidden; j++) {
                        gradient[w + j] += x * daz[j];
                        gradient[w + hidden + j] += x * dar[j];
                        gradient[w + 2 * hidden + j] += x * dan[j];
                    }
                }
                for (int k = 0; k < hidden; k++) {
                    double hk = ht[row + k];
                    double rhk = rt[row + k] * hk;
                    int w = uOff + k * g;
                    double s = 0;
                    for (int j = 0; j < hidden; j++) {
                        gradient[w + j] += hk * daz[j];
                        gradient[w + hidden + j] += hk * dar[j];
                        gradient[w + 2 * hidden + j] += rhk * dan[j];
                        s += daz[j] * params[w + j] + dar[j] * params[w + hidden + j];
                    }
                    dPrev[row + k] += s;
                }
                for (int j = 0; j < hidden; j++) {
                    gradient[bOff + j] += daz[j];
                    gradient[bOff + hidden + j] += dar[j];
                    gradient[bOff + 2 * hidden + j] += dan[j];
                }
            }
            double[] swap = dh;
            dh = dPrev;
            dPrev = swap;
        }
    }

    private void ensure(int steps, int batch) {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("a GRU pass needs >= 1 step and >= 1 sequence; got " + steps + ", " + batch);
        }
        if (u.length < steps || (u.length > 0 && u[0].length < batch * in)) {
            int cap = Math.max(batch, u.length > 0 ? u[0].length / in : 0);
            u = new double[steps][cap * in];
            h = new double[steps + 1][cap * hidden];
            z = new double[steps][cap * hidden];
            r = new double[steps][cap * hidden];
            n = new double[steps][cap * hidden];
        }
        this.steps = steps;
        this.batch = batch;
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }
}
