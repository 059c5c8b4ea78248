package org.mbmrl.driver.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A verified checkpoint: its name ({@code iter-000050}), its manifest and its arrays. The
 * manifest holds the format version, iteration, algorithm, model, normalizer, optimizer,
 * seeds, dataset fingerprint, the effective config and the sha256 of every array file.
 */
public record Checkpoint(String name, ObjectNode manifest, Map<String, INDArray> arrays) {

    public int iteration() {
        return manifest.path("iteration").asInt();
    }

    public INDArray array(String key) {
        INDArray a = arrays.get(key);
        if (a == null) {
            throw new IllegalArgumentException("checkpoint " + name + " has no array '" + key + "'");
        }
        return a;
    }

    /**
     * Array {@code key} as float32 values, checked before use: float32 and exactly
     * {@code expectedLength} values (an int32 or float64 file, or one of another model, is a
     * one-line error naming the file and what {@code expectedFor} needs).
     */
    public float[] floatVector(String key, long expectedLength, String expectedFor) {
        INDArray a = array(key);
        if (a.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || a.length() != expectedLength) {
            throw new org.mbmrl.driver.UserError("checkpoint " + name + ": " + key + ".npy must hold " + expectedLength
                    + " float32 values for " + expectedFor + "; got " + a.length() + " " + a.dataType());
        }
        return a.toFloatVector();
    }
}
