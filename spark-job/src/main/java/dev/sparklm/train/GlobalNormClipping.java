package dev.sparklm.train;

import java.io.Serializable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Clips the gradient by its global L2 norm over all parameters, as nanoGPT does
 * ({@code clip_grad_norm_}). DL4J only clips per layer, so this runs as a listener: after the
 * gradient is computed and before the updater uses it. Serializable, to travel to the Spark
 * workers with the training master.
 */
public final class GlobalNormClipping extends BaseTrainingListener implements Serializable {
    private final double maxNorm;

    public GlobalNormClipping(double maxNorm) {
        this.maxNorm = maxNorm;
    }

    @Override
    public void onGradientCalculation(Model model) {
        INDArray gradient = ((MultiLayerNetwork) model).getFlattenedGradients();
        double norm = gradient.norm2Number().doubleValue();
        if (norm > maxNorm) {
            gradient.muli(maxNorm / (norm + 1e-6));
        }
    }
}
