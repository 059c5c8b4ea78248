package org.mbmrl.driver.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small helpers over a Hadoop {@link FileSystem}, so run directories and datasets work on
 * any Hadoop URI ({@code file:}, {@code hdfs:}, {@code s3a:}); a bare path means the local
 * file system.
 */
public final class Files {
    private Files() {}

    /** Qualifies {@code location}: a bare path is taken as a local file path. */
    public static Path path(String location) {
        URI uri = URI.create(location.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return new Path(new java.io.File(location).getAbsoluteFile().toURI());
        }
        return new Path(location);
    }

    public static FileSystem fs(Path p, Configuration conf) {
        try {
            return p.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open file system of " + p, e);
        }
    }

    private static final java.util.Map<String, FileSystem> RAW = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A file system for checkpoint files without Hadoop's own {@code .crc} side files: the
     * manifest's sha256 is the one integrity check, the same on every file system. One
     * uncached instance per scheme and authority, kept for the JVM's life.
     */
    public static FileSystem rawFs(Path p, Configuration conf) {
        URI uri = p.toUri();
        String key = uri.getScheme() + "://" + uri.getAuthority();
        return RAW.computeIfAbsent(key, k -> {
            try {
                FileSystem fs = FileSystem.newInstance(uri, conf);
                fs.setVerifyChecksum(false);
                fs.setWriteChecksum(false);
                return fs;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open file system of " + p, e);
            }
        });
    }

    public static byte[] read(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    public static String readString(FileSystem fs, Path p) throws IOException {
        return new String(read(fs, p), StandardCharsets.UTF_8);
    }

    public static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(p, true)) {
            out.write(bytes);
        }
    }

    /** Writes via a temporary sibling and a rename, so readers never see a partial file. */
    public static void writeAtomically(FileSystem fs, Path p, byte[] bytes) throws IOException {
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
        write(fs, tmp, bytes);
        if (fs.exists(p)) {
            fs.delete(p, false);
        }
        if (!fs.rename(tmp, p)) {
            throw new IOException("cannot rename " + tmp + " to " + p);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
