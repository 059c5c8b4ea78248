package org.mbmrl.workers.algorithms;

import java.io.Serializable;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.learn.InnerLoop;

/**
 * The settings every algorithm may use, from the shared sections of a run config: the inner
 * loop / meta-test adaptation ({@code adapt.*}), the segments per task and Adam's step size and
 * second-order switch ({@code train.*}), and MB+DE's own online fine-tuning ({@code control.finetune.*}).
 */
public record CommonSettings(InnerLoop inner, int segments, double outerLr, boolean secondOrder, AdapterSettings finetune)
        implements Serializable {}
