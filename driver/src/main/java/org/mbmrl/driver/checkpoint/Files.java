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

    private static final java.util.regex.Pattern URI_WITH_SCHEME = java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

    /**
     * Qualifies {@code location}: a URI when it starts with a scheme ({@code file:/},
     * {@code hdfs://}, {@code s3a://}), else a local path, taken literally whatever it holds
     * (spaces, unicode, {@code :}, {@code %}, {@code #}).
     */
    public static Path path(String location) {
        if (location == null || location.isBlank()) {
            throw new org.mbmrl.driver.UserError("empty path");
        }
        if (!URI_WITH_SCHEME.matcher(location).matches()) {
            return new Path(new java.io.File(location).getAbsoluteFile().toPath().normalize().toUri());
        }
        try {
            return new Path(location);
        } catch (IllegalArgumentException e) {
            throw new org.mbmrl.driver.UserError("not a valid URI: " + location + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
    }

    /**
     * {@code parent}/{@code name}, with {@code name} taken literally (Hadoop's
     * {@code new Path(parent, String)} would read a {@code :} in it as a URI scheme).
     */
    public static Path child(Path parent, String name) {
        URI u = parent.toUri();
        String dir = u.getPath().endsWith("/") ? u.getPath() : u.getPath() + "/";
        return new Path(u.getScheme(), u.getAuthority(), dir + name);
    }

    /** Whether {@code inner} is {@code outer} or lies below it (both qualified, compared by path segments). */
    public static boolean isInside(Path inner, Path outer) {
        URI i = inner.toUri().normalize();
        URI o = outer.toUri().normalize();
        if (!java.util.Objects.equals(i.getScheme(), o.getScheme())
                || !java.util.Objects.equals(i.getAuthority(), o.getAuthority())) {
            return false;
        }
        String ip = i.getPath().replaceAll("/+$", "");
        String op = o.getPath().replaceAll("/+$", "");
        return ip.equals(op) || ip.startsWith(op + "/");
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
        Path tmp = child(p.getParent(), "." + p.getName() + ".tmp");
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
