package org.mbmrl.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.mbmrl.driver.spark.Sessions;
import scala.reflect.ClassTag$;

/** An ExactSum survives Spark's Kryo serializer, configured as mbmrl configures it, bit for bit. */
class ExactSumKryoTest {

    @Test
    void roundTripThroughSparkKryo() {
        SparkConf conf = new SparkConf(false).set("spark.kryo.registrator", Sessions.REGISTRATORS);
        SerializerInstance kryo = new KryoSerializer(conf).newInstance();
        ExactSum sum = new ExactSum().add(1, new float[] {1.5f, -2e-6f, 3e5f}).add(2, new float[] {0.25f, 7f, -1f});
        ByteBuffer bytes = kryo.serialize(sum, ClassTag$.MODULE$.apply(ExactSum.class));
        ExactSum back = kryo.deserialize(bytes, ClassTag$.MODULE$.apply(ExactSum.class));
        assertEquals(2, back.count());
        assertArrayEquals(sum.sums(), back.sums());
        assertArrayEquals(sum.mean(), back.mean(), 0.0);
        ExactSum empty = kryo.deserialize(kryo.serialize(new ExactSum(), ClassTag$.MODULE$.apply(ExactSum.class)),
                ClassTag$.MODULE$.apply(ExactSum.class));
        assertEquals(0, empty.count());
    }
}
