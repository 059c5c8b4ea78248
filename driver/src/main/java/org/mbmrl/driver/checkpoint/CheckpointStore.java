package org.mbmrl.driver.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mbmrl.driver.UserError;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checkpoints of one run: {@code RUN/checkpoints/iter-NNNNNN/} holding {@code manifest.json}
 * and one {@code .npy} file per array (NumPy format, readable by numpy and ND4J; no Java
 * serialization). A checkpoint is written into a temporary directory and renamed into place;
 * {@code LATEST}, naming the newest, moves last. Reading verifies every file's sha256
 * against the manifest.
 */
public final class CheckpointStore {
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "manifest.json";
    public static final String LATEST = "LATEST";
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final FileSystem fs;
    private final Path dir;

    public CheckpointStore(Path runDir, Configuration conf) {
        this.dir = new Path(runDir, "checkpoints");
        this.fs = Files.rawFs(dir, conf);
    }

    public static String name(int iteration) {
        return String.format("iter-%06d", iteration);
    }

    public Path directory() {
        return dir;
    }

    /** Writes checkpoint {@code iteration}; {@code manifest} gets the file hashes added. */
    public Path write(int iteration, ObjectNode manifest, Map<String, INDArray> arrays) {
        String name = name(iteration);
        Path target = new Path(dir, name);
        Path tmp = new Path(dir, "." + name + ".tmp");
        try {
            fs.mkdirs(dir);
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
            fs.mkdirs(tmp);
            ObjectNode files = JSON.createObjectNode();
            for (Map.Entry<String, INDArray> e : new TreeMap<>(arrays).entrySet()) {
                byte[] bytes = Nd4j.toNpyByteArray(e.getValue());
                String file = e.getKey() + ".npy";
                Files.write(fs, new Path(tmp, file), bytes);
                files.put(file, Files.sha256(bytes));
            }
            ObjectNode m = manifest.deepCopy();
            m.put("format_version", FORMAT_VERSION);
            m.put("iteration", iteration);
            m.set("files", files);
            Files.write(fs, new Path(tmp, MANIFEST), JSON.writeValueAsBytes(m));
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
            Files.writeAtomically(fs, new Path(dir, LATEST), (name + "\n").getBytes(StandardCharsets.UTF_8));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** Names of complete checkpoint directories, oldest first. */
    public List<String> list() {
        List<String> names = new ArrayList<>();
        try {
            if (!fs.exists(dir)) {
                return names;
            }
            for (FileStatus s : fs.listStatus(dir)) {
                String n = s.getPath().getName();
                if (s.isDirectory() && n.matches("iter-\\d{6,}")) {
                    names.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        names.sort(null);
        return names;
    }

    /** The name LATEST points to, or the newest listed checkpoint; null when there is none. */
    public String latestName() {
        Path latest = new Path(dir, LATEST);
        try {
            if (fs.exists(latest)) {
                // An empty or stale LATEST (a write cut short) falls back to the newest listed checkpoint.
                String n = Files.readString(fs, latest).trim();
                if (!n.isEmpty() && !n.contains("/") && fs.exists(Files.child(dir, n))) {
                    return n;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + latest, e);
        }
        List<String> all = list();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Reads and verifies checkpoint {@code name} of this run. */
    public Checkpoint read(String name) {
        if (name.isBlank() || name.contains("/")) {
            throw new UserError("checkpoint name '" + name + "' is not a checkpoint of " + dir + " (e.g. iter-000100)");
        }
        Path p = Files.child(dir, name);
        try {
            if (!fs.exists(p)) {
                throw new UserError("run " + dir.getParent() + " has no checkpoint " + name + " (it has " + list() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        return readDirectory(fs, p);
    }

    /** Reads and verifies the checkpoint in {@code checkpointDir}. */
    public static Checkpoint readDirectory(FileSystem fs, Path checkpointDir) {
        String name = checkpointDir.getName();
        ObjectNode manifest = readManifest(fs, checkpointDir);
        Map<String, INDArray> arrays = new TreeMap<>();
        JsonNode files = manifest.path("files");
        Iterator<Map.Entry<String, JsonNode>> it = files.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Path p = new Path(checkpointDir, e.getKey());
            byte[] bytes;
            try {
                bytes = Files.read(fs, p);
            } catch (IOException ex) {
                throw new UserError("checkpoint " + checkpointDir + ": cannot read " + e.getKey() + " (" + ex.getMessage() + ")");
            }
            String actual = Files.sha256(bytes);
            if (!actual.equals(e.getValue().asText())) {
                throw new UserError("checkpoint " + checkpointDir + ": sha256 of " + e.getKey() + " is " + actual
                        + " but the manifest says " + e.getValue().asText() + " (corrupt or modified file)");
            }
            String key = e.getKey().substring(0, e.getKey().length() - ".npy".length());
            try {
                arrays.put(key, Nd4j.createNpyFromByteArray(bytes));
            } catch (RuntimeException ex) {
                throw new UserError("checkpoint " + checkpointDir + ": " + e.getKey() + " is not a readable NumPy .npy array ("
                        + ex.getClass().getSimpleName() + ")");
            }
        }
        return new Checkpoint(name, manifest, arrays);
    }

    /** Reads {@code manifest.json} of a checkpoint directory, checking its format version. */
    public static ObjectNode readManifest(FileSystem fs, Path checkpointDir) {
        Path mp = new Path(checkpointDir, MANIFEST);
        try {
            if (!fs.exists(mp)) {
                throw new UserError("not a checkpoint (no " + MANIFEST + "): " + checkpointDir);
            }
            JsonNode m = JSON.readTree(Files.read(fs, mp));
            if (!m.isObject() || m.path("format_version").asInt() != FORMAT_VERSION) {
                throw new UserError("checkpoint " + checkpointDir + ": unsupported format_version "
                        + m.path("format_version") + " (this mbmrl reads " + FORMAT_VERSION + ")");
            }
            return (ObjectNode) m;
        } catch (IOException e) {
            throw new UserError("checkpoint " + checkpointDir + ": cannot read " + MANIFEST + " (" + e.getMessage() + ")");
        }
    }
}
