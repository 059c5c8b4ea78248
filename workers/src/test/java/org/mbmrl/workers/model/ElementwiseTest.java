package org.mbmrl.workers.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ElementwiseTest {
    @Test
    void floatTanhIsWithinSevenUlpOfTheExactValue() {
        double worstUlps = 0;
        for (int i = -2_000_000; i <= 2_000_000; i++) {
            float x = i * 1e-5f;
            float exact = (float) Math.tanh(x);
            double ulps = Math.abs(Elementwise.tanh(x) - exact) / Math.ulp(exact == 0 ? Float.MIN_NORMAL : exact);
            worstUlps = Math.max(worstUlps, ulps);
        }
        assertTrue(worstUlps <= 7, "worst error " + worstUlps + " ulp");
        assertEquals(1f, Elementwise.tanh(1e9f));
        assertEquals(-1f, Elementwise.tanh(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Elementwise.tanh(Float.NaN)));
    }

    @Test
    void arrayOpsRoundAsTheNd4jOpsTheyReplace() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 5000).subi(0.5f);
        INDArray g = Nd4j.rand(DataType.FLOAT, 1, 5000).subi(0.5f);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 1, 5000);
        INDArray gBefore = g.dup();
        INDArray expected = x.sub(g.dup().muli(0.003));
        Elementwise.subScaled(x, g, 0.003, out);
        assertEquals(expected, out);
        assertEquals(gBefore, g);

        // More elements than one heap chunk holds.
        INDArray a = Nd4j.rand(DataType.FLOAT, 16, 300).subi(0.5f);
        INDArray d = Nd4j.rand(DataType.FLOAT, 16, 300);
        INDArray dRelu = d.dup();
        INDArray expectedD = d.mul(a.mul(a).rsub(1f));
        Elementwise.timesDerivative(Activation.TANH, a, d);
        assertEquals(expectedD, d);
        INDArray expectedRelu = dRelu.mul(a.gt(0).castTo(DataType.FLOAT));
        Elementwise.timesDerivative(Activation.RELU, a, dRelu);
        assertEquals(expectedRelu, dRelu);

        INDArray z = Nd4j.rand(DataType.FLOAT, 40, 100).subi(0.5f).muli(8);
        INDArray big = z.dup();
        Elementwise.tanh(z);
        org.nd4j.linalg.ops.transforms.Transforms.tanh(big, false);
        assertTrue(z.sub(big).amaxNumber().doubleValue() < 1e-6, "float tanh vs ND4J's");
    }
}
