package org.mbmrl.workers.model;

import org.mbmrl.datasets.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReBAL's recurrent Gaussian dynamics model (Nagabandi et al. 2019; survey IV-A with the
 * recurrent learner of II-D, eq. 7): a GRU ({@link GruEncoder}) reads the M past transitions of
 * a task, {@code [s_t | a_t | s_{t+1} - s_t]} normalized, and its last hidden state h is the
 * adapted part of the model, phi = RNN(D; theta) of eq. 7; a Gaussian MLP decoder predicts
 * {@code p(s' - s | s, a, h)}. With h = 0 (no past transitions) the decoder is the model before
 * adaptation.
 *
 * <p>As a {@link DynamicsModel} it is the decoder with the hidden state as its context input:
 * every per-row call ({@link #predict}, {@link #loss}, {@link #lossAndGradient}) takes rows
 * whose context columns hold h, so planners, evaluators and the export treat it like FAMLE's
 * or VI's models; the gradient of those calls is zero in the encoder's part. The encoder is
 * run by {@link #encode} (online and meta-test) and, with backpropagation through time, by
 * ReBAL's learner. Theta is the decoder's parameters then the encoder's
 * ({@link RecurrentSpec}). No Hessian-vector products.
 */
public final class RecurrentGaussianModel implements DynamicsModel {
    private final RecurrentSpec spec;
    private final GaussianMlp decoder;

    public RecurrentGaussianModel(RecurrentSpec spec, DataType dtype) {
        this.spec = spec;
        this.decoder = new GaussianMlp(spec.decoder(), dtype, spec.encoderParameterCount());
    }

    public RecurrentSpec spec() {
        return spec;
    }

    @Override
    public int observationDim() {
        return spec.observationDim();
    }

    @Override
    public int actionDim() {
        return spec.actionDim();
    }

    @Override
    public int contextDim() {
        return spec.contextDim();
    }

    @Override
    public int parameterCount() {
        return spec.parameterCount();
    }

    @Override
    public DataType dtype() {
        return decoder.dtype();
    }

    /** The decoder's initial parameters from {@code seed}, the encoder's from a seed derived from it. */
    @Override
    public INDArray initialParameters(long seed) {
        INDArray theta = decoder.initialParameters(seed);
        double[] enc = GruEncoder.initialParameters(spec.encoderInputDim(), spec.hiddenDim(), Seeds.derive(seed, 1));
        NdBuffers.write(enc, theta, spec.encoderOffset(), enc.length);
        return theta;
    }

    @Override
    public Prediction predict(INDArray theta, INDArray x) {
        return decoder.predict(theta, x);
    }

    @Override
    public double loss(INDArray theta, INDArray x, INDArray y, Loss loss) {
        return decoder.loss(theta, x, y, loss);
    }

    @Override
    public double rowLosses(INDArray theta, INDArray x, INDArray y, Loss loss, double[] perRow) {
        return decoder.rowLosses(theta, x, y, loss, perRow);
    }

    @Override
    public double lossAndGradient(INDArray theta, INDArray x, INDArray y, Loss loss, INDArray gradient,
            INDArray contextGradient) {
        return decoder.lossAndGradient(theta, x, y, loss, gradient, contextGradient);
    }

    /**
     * The decoder's step: the encoder's parameters, which trail the decoder's, are left as
     * they are (their gradient is zero here, as in {@link #lossAndGradient}).
     */
    @Override
    public double lossAndStep(INDArray theta, INDArray x, INDArray y, Loss loss, double lr) {
        return decoder.lossAndStep(theta, x, y, loss, lr);
    }

    /** A GRU of this model's widths, for one thread. */
    public GruEncoder newEncoder() {
        return new GruEncoder(spec.encoderInputDim(), spec.hiddenDim());
    }

    /** The encoder's parameters in {@code theta}, in double. */
    public double[] encoderParameters(INDArray theta) {
        double[] p = new double[spec.encoderParameterCount()];
        NdBuffers.read(theta, spec.encoderOffset(), p, p.length);
        return p;
    }

    /** Writes {@code g} into the encoder's part of {@code gradient} ({@code [1, P]}). */
    public void writeEncoderGradient(double[] g, INDArray gradient) {
        NdBuffers.write(g, gradient, spec.encoderOffset(), g.length);
    }

    /**
     * The encoder's inputs for {@code sequences} runs of {@code length} consecutive transitions
     * stacked in {@code rows} (run b's rows at {@code b * length ..}): element t holds step t of
     * every run, {@code sequences x (2 ds + da)} row-major, {@code [x's observation and action | y]}.
     */
    public double[][] encoderInputs(Batch rows, int sequences, int length) {
        int ds = spec.observationDim();
        int da = spec.actionDim();
        int inX = (int) rows.x().columns();
        int width = spec.encoderInputDim();
        if (rows.size() != sequences * length) {
            throw new IllegalArgumentException("expected " + sequences + " x " + length + " rows; got " + rows.size());
        }
        double[] x = new double[rows.size() * inX];
        double[] y = new double[rows.size() * ds];
        NdBuffers.read(rows.x(), x, x.length);
        NdBuffers.read(rows.y(), y, y.length);
        double[][] inputs = new double[length][sequences * width];
        for (int b = 0; b < sequences; b++) {
            for (int t = 0; t < length; t++) {
                int row = b * length + t;
                double[] u = inputs[t];
                System.arraycopy(x, row * inX, u, b * width, ds + da);
                System.arraycopy(y, row * ds, u, b * width + ds + da, ds);
            }
        }
        return inputs;
    }

    /** The hidden state after the encoder read {@code window}'s transitions in order (h = 0 for none). */
    public double[] encode(INDArray theta, Batch window) {
        if (window == null || window.size() == 0) {
            return new double[spec.hiddenDim()];
        }
        return newEncoder().forward(encoderParameters(theta), encoderInputs(window, 1, window.size()), 1);
    }
}
