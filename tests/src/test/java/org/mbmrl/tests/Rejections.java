package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What every refused command must show: its exit code and exactly one stderr line naming the culprit, no stack trace. */
final class Rejections {
    private Rejections() {}

    /** Runs the command, checks exit 2 and a single stderr line containing every {@code expected}. */
    static String rejects(List<String> args, String... expected) {
        return fails(2, args, expected);
    }

    /** Runs the command, checks exit {@code code} and a single stderr line containing every {@code expected}. */
    static String fails(int code, List<String> args, String... expected) {
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(code, r.exitCode(), "exit code of " + args + "; stderr: " + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line on stderr for " + args + ", got: " + r.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("mbmrl: error: "), line);
        assertFalse(line.contains("\tat ") || line.contains("Exception:") && !line.contains(" (stack trace: "), line);
        for (String e : expected) {
            assertTrue(line.contains(e), "'" + e + "' not in: " + line);
        }
        return line;
    }

    /** Every file below {@code dir} (relative path and size), sorted; empty if it does not exist. */
    static List<String> listing(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p) + ":" + p.toFile().length()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
