package org.mbmrl.workers.model;

import java.util.Locale;

/**
 * Hidden-layer nonlinearity. Both derivatives are written in terms of the activation's
 * output {@code a} so the backward and R-operator passes need no stored pre-activations.
 */
public enum Activation {
    /** tanh: smooth, so second-order MAML has a nonzero curvature term. The default. */
    TANH,
    /** ReLU: piecewise linear; its second derivative is zero almost everywhere. */
    RELU;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Activation parse(String label) {
        for (Activation a : values()) {
            if (a.label().equals(label)) {
                return a;
            }
        }
        throw new IllegalArgumentException("model.activation must be tanh or relu; got '" + label + "'");
    }
}
