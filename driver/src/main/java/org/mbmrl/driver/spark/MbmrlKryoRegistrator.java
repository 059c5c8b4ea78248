package org.mbmrl.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.serializer.KryoRegistrator;
import java.util.TreeMap;
import org.mbmrl.driver.train.ExactSum;
import org.mbmrl.driver.train.IterationSum;

/**
 * Kryo registrations for what mbmrl ships between executors and driver every iteration: a
 * partition's {@link IterationSum}, whose {@link ExactSum} (one long per parameter) is written
 * as raw 8-byte longs rather than Kryo's default variable-length encoding, which costs several
 * times more CPU per element on a multi-megabyte vector, followed by its per-task rows.
 */
public final class MbmrlKryoRegistrator implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(ExactSum.class, new ExactSumSerializer());
        kryo.register(IterationSum.class, new IterationSumSerializer());
        kryo.register(float[].class);
        kryo.register(long[].class);
    }

    static final class ExactSumSerializer extends Serializer<ExactSum> {
        @Override
        public void write(Kryo kryo, Output output, ExactSum sum) {
            long[] sums = sum.sums();
            output.writeInt(sum.count());
            output.writeInt(sums == null ? -1 : sums.length);
            if (sums != null) {
                output.writeLongs(sums);
            }
        }

        @Override
        public ExactSum read(Kryo kryo, Input input, Class<ExactSum> type) {
            int count = input.readInt();
            int length = input.readInt();
            return ExactSum.restore(length < 0 ? null : input.readLongs(length), count);
        }
    }

    static final class IterationSumSerializer extends Serializer<IterationSum> {
        private final ExactSumSerializer sums = new ExactSumSerializer();

        @Override
        public void write(Kryo kryo, Output output, IterationSum s) {
            sums.write(kryo, output, s.sum());
            output.writeInt(s.rows().size());
            for (var e : s.rows().entrySet()) {
                output.writeLong(e.getKey());
                output.writeInt(e.getValue().length);
                output.writeFloats(e.getValue());
            }
        }

        @Override
        public IterationSum read(Kryo kryo, Input input, Class<IterationSum> type) {
            ExactSum sum = sums.read(kryo, input, ExactSum.class);
            int n = input.readInt();
            TreeMap<Long, float[]> rows = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                long id = input.readLong();
                rows.put(id, input.readFloats(input.readInt()));
            }
            return IterationSum.restore(sum, rows);
        }
    }
}
