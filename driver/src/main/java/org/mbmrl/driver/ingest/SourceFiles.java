package org.mbmrl.driver.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.mbmrl.driver.UserError;

/**
 * The files of an import source (a file, or a directory whose files with the format's
 * extension are taken, recursively, in name order) and their sha256: the fingerprint the
 * dataset's provenance records. An empty file is refused here, before any reader opens it.
 */
public record SourceFiles(Path root, List<Entry> files, String fingerprint) {

    /** One source file: its path relative to the root ({@code ""} when the root is the file), size and sha256. */
    public record Entry(Path path, String name, long bytes, String sha256) {}

    public SourceFiles {
        files = List.copyOf(files);
    }

    /** Lists and hashes the source; {@code extensions} are the names a directory's files may end with. */
    public static SourceFiles of(Path source, List<String> extensions) {
        if (!Files.exists(source)) {
            throw new UserError("source does not exist: " + source);
        }
        List<Path> paths = new ArrayList<>();
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> s = Files.walk(source)) {
                    s.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().startsWith(".") && !p.getFileName().toString().startsWith("_"))
                            .filter(p -> extensions.stream().anyMatch(e -> p.getFileName().toString().endsWith(e)))
                            .sorted().forEach(paths::add);
                }
                if (paths.isEmpty()) {
                    throw new UserError(source + ": no " + String.join(" or ", extensions) + " files in the directory");
                }
            } else {
                paths.add(source);
            }
            List<Entry> entries = new ArrayList<>();
            StringBuilder all = new StringBuilder();
            for (Path p : paths) {
                long size = Files.size(p);
                if (size == 0) {
                    throw new UserError(p + ": empty file (0 bytes)");
                }
                String name = Files.isDirectory(source) ? source.relativize(p).toString() : p.getFileName().toString();
                String sha = sha256(p);
                entries.add(new Entry(p, name, size, sha));
                all.append(name).append(':').append(sha).append('\n');
            }
            String fingerprint = entries.size() == 1 ? entries.get(0).sha256()
                    : HexFormat.of().formatHex(digest().digest(all.toString().getBytes(StandardCharsets.UTF_8)));
            return new SourceFiles(source, entries, fingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read import source " + source, e);
        }
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), d)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
