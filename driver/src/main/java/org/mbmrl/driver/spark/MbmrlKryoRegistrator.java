package org.mbmrl.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.serializer.KryoRegistrator;
import org.mbmrl.driver.train.ExactSum;

/**
 * Kryo registrations for what mbmrl ships between executors and driver every iteration: a
 * partition's {@link ExactSum} (one long per parameter) is written as raw 8-byte longs
 * rather than Kryo's default variable-length encoding, which costs several times more CPU
 * per element on a multi-megabyte vector.
 */
public final class MbmrlKryoRegistrator implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(ExactSum.class, new ExactSumSerializer());
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
}
