package org.mbmrl.workers.export;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mbmrl.workers.model.MlpSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds a DL4J {@link MultiLayerNetwork} with the same layers and flat parameter layout as
 * the mbmrl model, so a trained or adapted theta can be saved with DL4J's
 * {@code ModelSerializer} and used by DL4J users. The network's {@code output(x)} is
 * {@code [mean | log-variance]} of the normalized state change; the output layer's loss is
 * a placeholder (MSE) because DL4J has no per-dimension Gaussian NLL.
 */
public final class Dl4jExport {
    private Dl4jExport() {}

    public static MultiLayerNetwork toNetwork(MlpSpec spec, INDArray theta) {
        org.nd4j.linalg.activations.Activation hidden = switch (spec.activation()) {
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
        };
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .dataType(theta.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT)
                .list();
        int last = spec.layers() - 1;
        for (int l = 0; l < last; l++) {
            list.layer(new DenseLayer.Builder().nIn(spec.nIn(l)).nOut(spec.nOut(l)).activation(hidden).build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .nIn(spec.nIn(last)).nOut(spec.nOut(last))
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build());
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        if (net.numParams() != spec.parameterCount()) {
            throw new IllegalStateException("DL4J network has " + net.numParams() + " parameters, model has " + spec.parameterCount());
        }
        net.setParams(theta.reshape(1, spec.parameterCount()).castTo(net.params().dataType()));
        return net;
    }
}
