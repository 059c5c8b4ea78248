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
}
