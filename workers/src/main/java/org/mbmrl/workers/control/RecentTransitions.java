package org.mbmrl.workers.control;

import org.mbmrl.workers.model.NdBuffers;

import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The last M transitions (s, a, s') of the current episode, a ring buffer, and the
 * normalized {@link Batch} an online adapter trains on. Values are stored as float, as a
 * dataset stores them, and normalized by the same {@link Normalizer} row methods as
 * {@link Batch#of}, so the window's batch equals {@code Batch.of} on the same rows of the
 * recorded episode. The batch has the model's context columns, zero; the adapter writes them.
 *
 * <p>Once the window is full, {@link #batch()} writes into two arrays allocated once and
 * returns them: the batch is valid until the next call of {@code batch()}. While it fills
 * (the first M - 1 steps of an episode) each call allocates a batch of the current size.
 * Not thread-safe.
 */
public final class RecentTransitions {
    private final int capacity;
    private final int ds;
    private final int da;
    private final int dc;
    private final Normalizer norm;
    private final DataType dtype;
    private final float[] obs;
    private final float[] act;
    private final float[] next;
    private int size;
    private int head; // slot of the next write = slot of the oldest transition once full

    private final double[] xs;
    private final double[] ys;
    private INDArray fullX;
    private INDArray fullY;

    /** A window of {@code capacity} transitions whose batches carry {@code contextDim} context columns. */
    public RecentTransitions(int capacity, Normalizer norm, int contextDim, DataType dtype) {
        if (capacity < 1) {
            throw new IllegalArgumentException("adapter.window (M) must be >= 1; got " + capacity);
        }
        this.capacity = capacity;
        this.ds = norm.observationDim();
        this.da = norm.actionDim();
        if (contextDim < 0) {
            throw new IllegalArgumentException("context width must be >= 0; got " + contextDim);
        }
        this.dc = contextDim;
        this.norm = norm;
        this.dtype = dtype;
        this.obs = new float[capacity * ds];
        this.act = new float[capacity * da];
        this.next = new float[capacity * ds];
        this.xs = new double[capacity * (ds + da + contextDim)];
        this.ys = new double[capacity * ds];
    }

    public int capacity() {
        return capacity;
    }

    /** Number of transitions held, at most {@link #capacity()}. */
    public int size() {
        return size;
    }

    /** Start of an episode: forget every transition. */
    public void clear() {
        size = 0;
        head = 0;
    }

    /** Appends a transition, dropping the oldest when full. */
    public void add(double[] observation, double[] action, double[] nextObservation) {
        if (observation.length != ds || nextObservation.length != ds || action.length != da) {
            throw new IllegalArgumentException("expected observations of " + ds + " and actions of " + da + " numbers; got "
                    + observation.length + ", " + action.length + ", " + nextObservation.length);
        }
        for (int j = 0; j < ds; j++) {
            obs[head * ds + j] = (float) observation[j];
            next[head * ds + j] = (float) nextObservation[j];
        }
        for (int j = 0; j < da; j++) {
            act[head * da + j] = (float) action[j];
        }
        head = (head + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** The held transitions, oldest first, normalized (x = normalized (s, a) and zero context, y = normalized s' - s). */
    public Batch batch() {
        if (size == 0) {
            throw new IllegalStateException("no transitions in the window yet");
        }
        int in = ds + da + dc;
        int oldest = size == capacity ? head : 0;
        for (int r = 0; r < size; r++) {
            int i = (oldest + r) % capacity;
            norm.normalizeInput(obs, i * ds, act, i * da, xs, r * in);
            for (int j = ds + da; j < in; j++) {
                xs[r * in + j] = 0;
            }
            norm.normalizeTarget(obs, i * ds, next, i * ds, ys, r * ds);
        }
        INDArray x;
        INDArray y;
        if (size == capacity) {
            if (fullX == null) {
                fullX = Nd4j.createUninitialized(dtype, capacity, in);
                fullY = Nd4j.createUninitialized(dtype, capacity, ds);
            }
            x = fullX;
            y = fullY;
        } else {
            x = Nd4j.createUninitialized(dtype, size, in);
            y = Nd4j.createUninitialized(dtype, size, ds);
        }
        NdBuffers.write(xs, x, size * in);
        NdBuffers.write(ys, y, size * ds);
        return new Batch(x, y);
    }
}
