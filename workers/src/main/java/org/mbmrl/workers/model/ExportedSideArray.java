package org.mbmrl.workers.model;

import java.util.Map;

/**
 * Parameters of a model beyond its Gaussian MLP's that a DL4J network cannot hold (ReBAL's GRU
 * encoder): {@code export} writes elements {@code [offset, offset + count)} of theta as
 * {@code OUT.<name>.npy} beside the network and records {@code description} in the export's
 * manifest under {@code name}, with the file's name added.
 *
 * @param name the manifest key and file infix, e.g. {@code encoder}
 * @param offset first element in the flat parameter vector
 * @param count number of elements
 * @param description what a reader needs to use the array (type, sizes, layout, equations), in the
 *     manifest's order; JSON values
 * @param contextNote how the network's context inputs are to be filled, for the manifest's {@code context}
 */
public record ExportedSideArray(String name, int offset, int count, Map<String, Object> description,
        String contextNote) {

    public ExportedSideArray {
        if (name == null || !name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("side array name must be lower-case letters or '_'; got " + name);
        }
        if (offset < 0 || count < 1) {
            throw new IllegalArgumentException("side array " + name + ": offset " + offset + ", count " + count);
        }
        description = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(description));
    }
}
