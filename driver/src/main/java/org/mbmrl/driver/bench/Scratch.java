package org.mbmrl.driver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The scratch directories benchmarks generate their data into and delete afterwards. */
final class Scratch {
    private Scratch() {}

    /** A new directory {@code prefix...} under {@code under} (created if missing). */
    static Path create(Path under, String prefix) {
        try {
            Files.createDirectories(under);
            return Files.createTempDirectory(under, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory under " + under, e);
        }
    }

    /** Deletes {@code dir} and everything in it, best effort. */
    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a scratch directory: what is left is the user's temporary space
        }
    }
}
