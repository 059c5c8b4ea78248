package org.mbmrl.workers.model;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The architecture of ReBAL's recurrent dynamics model ({@link RecurrentGaussianModel}): a GRU
 * encoder of {@code decoder.contextDim()} hidden units reading transitions
 * {@code [observation | action | state change]} (normalized), whose last hidden state is the
 * context input of the Gaussian MLP {@code decoder}. Parameters: the decoder's (DL4J's layout,
 * {@link MlpSpec}) then the encoder's ({@link GruEncoder}'s layout).
 */
public record RecurrentSpec(MlpSpec decoder) implements ModelSpec {

    public RecurrentSpec {
        if (decoder == null || decoder.contextDim() < 1) {
            throw new IllegalArgumentException("a recurrent model needs a decoder with a context input (the hidden state);"
                    + " got " + decoder);
        }
    }

    /** Hidden width of the GRU, the decoder's context width. */
    public int hiddenDim() {
        return decoder.contextDim();
    }

    /** Width of an encoder input row: observation, action, state change. */
    public int encoderInputDim() {
        return 2 * decoder.observationDim() + decoder.actionDim();
    }

    public int encoderParameterCount() {
        return GruEncoder.parameterCount(encoderInputDim(), hiddenDim());
    }

    /** First element of the encoder's parameters in the flat vector. */
    public int encoderOffset() {
        return decoder.parameterCount();
    }

    @Override
    public int observationDim() {
        return decoder.observationDim();
    }

    @Override
    public int actionDim() {
        return decoder.actionDim();
    }

    @Override
    public int contextDim() {
        return decoder.contextDim();
    }

    @Override
    public int parameterCount() {
        return Math.addExact(decoder.parameterCount(), encoderParameterCount());
    }

    @Override
    public MlpSpec mlp() {
        return decoder;
    }

    @Override
    public RecurrentGaussianModel create(DataType dtype) {
        return new RecurrentGaussianModel(this, dtype);
    }

    /** The GRU encoder, with its layout and step equations ({@link GruEncoder}). */
    @Override
    public java.util.Optional<ExportedSideArray> exportedSideArray() {
        java.util.Map<String, Object> description = new java.util.LinkedHashMap<>();
        description.put("type", "gru");
        description.put("input_dim", encoderInputDim());
        description.put("hidden_dim", hiddenDim());
        description.put("layout", "1 x " + encoderParameterCount() + " float32: W (input_dim x 3 hidden_dim, row-major),"
                + " U (hidden_dim x 3 hidden_dim, row-major), b (3 hidden_dim); gate blocks z, r, n in that order");
        description.put("step", "u = [normalized s | normalized a | normalized (s' - s)]; z = sigmoid(u W_z + h U_z + b_z);"
                + " r = sigmoid(u W_r + h U_r + b_r); n = tanh(u W_n + (r * h) U_n + b_n); h' = (1 - z) n + z h; h0 = 0");
        return java.util.Optional.of(new ExportedSideArray("encoder", encoderOffset(), encoderParameterCount(), description,
                "the network's last " + contextDim() + " inputs take the encoder's hidden state after the"
                        + " task's last M transitions (see encoder), or, adapted to a task, see export --adapt-task"));
    }
}
