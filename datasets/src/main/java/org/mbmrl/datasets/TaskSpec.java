package org.mbmrl.datasets;

/**
 * One task: an id, the family it belongs to, its split, its dynamics parameters (in the
 * family's {@code parameterNames()} order) and the seed its episodes are generated from.
 */
public record TaskSpec(long taskId, String family, Split split, double[] parameters, long seed) implements java.io.Serializable {}
