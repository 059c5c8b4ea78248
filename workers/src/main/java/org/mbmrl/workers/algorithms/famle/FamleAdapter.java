package org.mbmrl.workers.algorithms.famle;

import org.mbmrl.workers.algorithms.TaskStateTable;
import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.NdBuffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FAMLE's online adaptation (survey IV-B, algorithm 4), at every control step from theta* again:
 * <ol>
 *   <li>eq. 17: h_likely = the meta-trained embedding h in H* under which the last M transitions
 *       are most likely, argmax_h mean_t log p_theta*(s_t+1 | s_t, a_t, h); all |H*| embeddings
 *       are scored in one batched forward pass of |H*| x M rows;</li>
 *   <li>eq. 18: k joint SGD steps on the window's loss from (theta*, h_likely), rate alpha on
 *       theta and beta ({@code famle.adapt_embedding_lr}) on h.</li>
 * </ol>
 * The planner gets (phi, h). Before the first transition it gets theta* and the mean of H*.
 * The returned parameters live in one buffer overwritten by the next call.
 */
final class FamleAdapter implements OnlineAdapter {
    public static final String NAME = "famle";

    private final DynamicsModel model;
    private final INDArray thetaStar;
    private final double[][] embeddings;
    private final double[] meanEmbedding;
    private final AdapterSettings settings;
    private final double embeddingLr;
    private final EmbeddingSteps steps;
    private final INDArray phi;
    private int lastChoice = -1;

    private int scoredRows = -1;
    private INDArray scoreX;
    private INDArray scoreY;
    private double[] scoreXs;
    private double[] scoreYs;
    private double[] windowX;
    private double[] windowY;
    private double[] rowLosses;

    FamleAdapter(DynamicsModel model, INDArray thetaStar, TaskStateTable trained, AdapterSettings settings, double embeddingLr) {
        if (trained.size() == 0 || trained.width() != model.contextDim()) {
            throw new IllegalArgumentException("famle's adapter needs the training embeddings H* (" + model.contextDim()
                    + " numbers per task); got " + trained.size() + " rows of " + trained.width());
        }
        this.model = model;
        this.thetaStar = thetaStar;
        this.embeddings = new double[trained.size()][];
        for (int i = 0; i < embeddings.length; i++) {
            embeddings[i] = trained.rowAt(i);
        }
        this.meanEmbedding = Famle.meanEmbedding(trained);
        this.settings = settings;
        this.embeddingLr = embeddingLr;
        this.steps = new EmbeddingSteps(model);
        this.phi = thetaStar.dup();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {
        lastChoice = -1;
    }

    /** Index (task-id order) of the embedding eq. 17 chose at the last step; -1 before the first. */
    int lastChoice() {
        return lastChoice;
    }

    @Override
    public AdaptedModel adapt(Batch window) {
        if (window == null) {
            return new AdaptedModel(thetaStar, meanEmbedding.clone());
        }
        int likely = mostLikely(window);
        lastChoice = likely;
        double[] h = embeddings[likely].clone();
        phi.assign(thetaStar);
        steps.run(phi, h, window, settings.steps(), settings.lr(), embeddingLr, settings.loss());
        return new AdaptedModel(phi, h);
    }

    /** Eq. 17: the index of the embedding with the lowest mean NLL (highest likelihood) of the window at theta*. */
    int mostLikely(Batch window) {
        int m = window.size();
        int n = embeddings.length;
        int in = model.inputDim();
        int ds = model.observationDim();
        int from = model.contextOffset();
        int dc = model.contextDim();
        ensureScoreRows(m);
        NdBuffers.read(window.x(), windowX, m * in);
        NdBuffers.read(window.y(), windowY, m * ds);
        for (int e = 0; e < n; e++) {
            System.arraycopy(windowX, 0, scoreXs, e * m * in, m * in);
            System.arraycopy(windowY, 0, scoreYs, e * m * ds, m * ds);
            for (int r = 0; r < m; r++) {
                System.arraycopy(embeddings[e], 0, scoreXs, (e * m + r) * in + from, dc);
            }
        }
        NdBuffers.write(scoreXs, scoreX, n * m * in);
        NdBuffers.write(scoreYs, scoreY, n * m * ds);
        model.rowLosses(thetaStar, scoreX, scoreY, Loss.NLL, rowLosses);
        int best = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int e = 0; e < n; e++) {
            double sum = 0;
            for (int r = 0; r < m; r++) {
                sum += rowLosses[e * m + r];
            }
            if (sum < bestLoss) { // strict: the first of equals wins
                bestLoss = sum;
                best = e;
            }
        }
        return best;
    }

    private void ensureScoreRows(int m) {
        if (m == scoredRows) {
            return;
        }
        int n = embeddings.length;
        scoreX = Nd4j.createUninitialized(model.dtype(), (long) n * m, model.inputDim());
        scoreY = Nd4j.createUninitialized(model.dtype(), (long) n * m, model.observationDim());
        scoreXs = new double[n * m * model.inputDim()];
        scoreYs = new double[n * m * model.observationDim()];
        windowX = new double[m * model.inputDim()];
        windowY = new double[m * model.observationDim()];
        rowLosses = new double[n * m];
        scoredRows = m;
    }
}
