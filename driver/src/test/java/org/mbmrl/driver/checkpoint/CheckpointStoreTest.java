package org.mbmrl.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mbmrl.driver.UserError;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointStoreTest {

    @Test
    void roundTripVerifiesAndMovesLatest(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(Files.path(dir.toString()), new Configuration());
        float[] theta = {1.5f, -2f, 3.25e-7f};
        double[] m = {0.1, 0.2, 0.3};
        ObjectNode manifest = CheckpointStore.JSON.createObjectNode().put("algorithm", "maml");
        store.write(5, manifest, Map.of("theta", Nd4j.create(theta, new long[] {3}, DataType.FLOAT),
                "adam_m", Nd4j.create(m, new long[] {3}, DataType.DOUBLE)));
        store.write(10, manifest, Map.of("theta", Nd4j.create(new float[] {9f, 9f, 9f}, new long[] {3}, DataType.FLOAT)));
        assertEquals("iter-000010", store.latestName());
        assertEquals(java.util.List.of("iter-000005", "iter-000010"), store.list());
        Checkpoint c = store.read("iter-000005");
        assertEquals(5, c.iteration());
        assertArrayEquals(theta, c.array("theta").toFloatVector());
        assertArrayEquals(m, c.array("adam_m").toDoubleVector());
        assertEquals("maml", c.manifest().path("algorithm").asText());
        assertTrue(c.manifest().path("files").has("theta.npy"));
        // Standard .npy: the file starts with the NumPy magic.
        byte[] head = java.nio.file.Files.readAllBytes(dir.resolve("checkpoints/iter-000005/theta.npy"));
        assertEquals((byte) 0x93, head[0]);
        assertEquals("NUMPY", new String(head, 1, 5, java.nio.charset.StandardCharsets.US_ASCII));
        assertFalse(new File(dir.toFile(), "checkpoints/.iter-000005.tmp").exists());
    }

    @Test
    void flippedByteIsDetected(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(Files.path(dir.toString()), new Configuration());
        store.write(1, CheckpointStore.JSON.createObjectNode(),
                Map.of("theta", Nd4j.create(new float[] {1f, 2f, 3f, 4f}, new long[] {4}, DataType.FLOAT)));
        File f = dir.resolve("checkpoints/iter-000001/theta.npy").toFile();
        try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
            raf.seek(f.length() - 2);
            int b = raf.read();
            raf.seek(f.length() - 2);
            raf.write(b ^ 0x01);
        }
        UserError e = assertThrows(UserError.class, () -> store.read("iter-000001"));
        assertTrue(e.getMessage().contains("sha256 of theta.npy"), e.getMessage());
    }
}
