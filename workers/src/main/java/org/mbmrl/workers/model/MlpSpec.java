package org.mbmrl.workers.model;

import java.util.List;

/**
 * The architecture of a Gaussian MLP dynamics model: input is the normalized observation,
 * the normalized action and an optional per-task context vector (FAMLE embedding or VI
 * latent; {@code contextDim = 0} for none); output is the mean and log-variance of the
 * normalized state change, {@code 2 * observationDim} numbers.
 *
 * <p>Parameters are one flat vector laid out as DL4J lays out a {@code MultiLayerNetwork}
 * of dense layers: for each layer, its weights (nIn x nOut, column-major) then its bias.
 */
public record MlpSpec(int observationDim, int actionDim, int contextDim, List<Integer> hidden, Activation activation) implements ModelSpec {

    public MlpSpec {
        if (observationDim < 1) {
            throw new IllegalArgumentException("observation dimension must be >= 1; got " + observationDim);
        }
        if (actionDim < 1) {
            throw new IllegalArgumentException("action dimension must be >= 1; got " + actionDim);
        }
        if (contextDim < 0) {
            throw new IllegalArgumentException("model.context_dim must be >= 0; got " + contextDim);
        }
        if (hidden == null || hidden.isEmpty()) {
            throw new IllegalArgumentException("model.hidden must list at least one layer width; got " + hidden);
        }
        for (Integer h : hidden) {
            if (h == null || h < 1) {
                throw new IllegalArgumentException("model.hidden widths must be >= 1; got " + hidden);
            }
        }
        if (activation == null) {
            throw new IllegalArgumentException("model.activation must be tanh or relu; got null");
        }
        hidden = List.copyOf(hidden);
    }

    /** A {@link GaussianMlp} of this architecture. */
    @Override
    public GaussianMlp create(org.nd4j.linalg.api.buffer.DataType dtype) {
        return new GaussianMlp(this, dtype);
    }

    @Override
    public MlpSpec mlp() {
        return this;
    }

    /** This architecture with a context input of {@code width} columns. */
    public MlpSpec withContextDim(int width) {
        return new MlpSpec(observationDim, actionDim, width, hidden, activation);
    }

    public int inputDim() {
        return observationDim + actionDim + contextDim;
    }

    public int outputDim() {
        return 2 * observationDim;
    }

    /** Number of dense layers (hidden layers plus the output layer). */
    public int layers() {
        return hidden.size() + 1;
    }

    /** Input width of layer {@code l}. */
    public int nIn(int l) {
        return l == 0 ? inputDim() : hidden.get(l - 1);
    }

    /** Output width of layer {@code l}. */
    public int nOut(int l) {
        return l == hidden.size() ? outputDim() : hidden.get(l);
    }

    /** Offset of layer {@code l}'s weights in the flat parameter vector; its bias follows them. */
    public long weightOffset(int l) {
        long off = 0;
        for (int i = 0; i < l; i++) {
            off += (long) nIn(i) * nOut(i) + nOut(i);
        }
        return off;
    }

    public long biasOffset(int l) {
        return weightOffset(l) + (long) nIn(l) * nOut(l);
    }

    @Override
    public int parameterCount() {
        long p = weightOffset(layers());
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("model has " + p + " parameters; at most " + Integer.MAX_VALUE + " are supported");
        }
        return (int) p;
    }

    /** Multiply-adds of one forward pass for one sample (for FLOP accounting in benchmarks). */
    public long forwardMacsPerSample() {
        long macs = 0;
        for (int l = 0; l < layers(); l++) {
            macs += (long) nIn(l) * nOut(l);
        }
        return macs;
    }
}
