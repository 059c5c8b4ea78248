package org.mbmrl.workers.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The loss a {@link GaussianMlp} is trained on, per row and state dimension d, with
 * {@code r = mu - y} and {@code lv} the predicted log-variance (normalized units):
 * <ul>
 *   <li>{@link #NLL}: the Gaussian negative log-likelihood {@code 0.5 [r^2 exp(-lv) + lv + log 2 pi]}
 *       (survey eq. 10), which fits the mean and the variance;</li>
 *   <li>{@link #MSE}: {@code 0.5 r^2}, the mean only: the loss of GrBAL's deterministic model
 *       (Nagabandi et al. 2018, eq. 1). As an inner-loop (adaptation) loss it leaves the
 *       variance head alone, so a window the mean already predicts well gives a gradient near
 *       zero, whereas the NLL would still push the shared hidden layers to shrink the variance.</li>
 * </ul>
 */
public enum Loss {
    NLL,
    MSE;

    /** The configuration name: {@code nll} or {@code mse}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The loss called {@code name} ({@code field} names the setting in the message). */
    public static Loss parse(String field, String name) {
        for (Loss l : values()) {
            if (l.configName().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException(field + " must be one of " + Arrays.stream(values()).map(Loss::configName).toList()
                + "; got '" + name + "'");
    }
}
