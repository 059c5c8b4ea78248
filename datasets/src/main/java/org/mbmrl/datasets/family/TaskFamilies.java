package org.mbmrl.datasets.family;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The registry of task families by name. */
public final class TaskFamilies {
    private static final Map<String, TaskFamily> FAMILIES = new TreeMap<>();

    static {
        register(new Pendulum());
        register(new CartPole());
        register(new QuadrotorPayload());
        register(new ReacherDamage());
        register(new Slope());
    }

    private TaskFamilies() {}

    private static void register(TaskFamily family) {
        FAMILIES.put(family.name(), family);
    }

    /** The family called {@code name}; an unknown name is a caller error that lists the known ones. */
    public static TaskFamily byName(String name) {
        TaskFamily family = FAMILIES.get(name);
        if (family == null) {
            throw new IllegalArgumentException("unknown task family '" + name + "'; known: " + String.join(", ", names()));
        }
        return family;
    }

    /** Names of all known families, sorted. */
    public static List<String> names() {
        return List.copyOf(FAMILIES.keySet());
    }
}
