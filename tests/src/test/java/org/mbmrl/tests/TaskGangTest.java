package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.train.IterationSum;
import org.mbmrl.driver.train.MetaBatchSampler;
import org.mbmrl.driver.train.MetaTrainer;
import org.mbmrl.driver.train.TaskGang;
import org.mbmrl.driver.train.TaskStep;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The task gang (train.gang): the same bits as one Spark job per iteration with a fraction of
 * the jobs, and a gang whose tasks die ends with a failure the trainer can fall back from.
 */
class TaskGangTest {
    @Test
    void gangTrainsTheSameBitsAsAJobPerIterationWithoutAJobPerIteration() {
        SparkSession spark = SharedSpark.local2();
        AtomicInteger jobs = new AtomicInteger();
        SparkListener count = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(count);
        try {
            int[] jobCounts = new int[2];
            Path[] runs = new Path[2];
            String[] modes = {"train.gang=true", "train.gang=false"};
            for (int m = 0; m < 2; m++) {
                runs[m] = Fixtures.scratch("gang-" + m).resolve("maml");
                int before = jobs.get();
                SharedSpark.Run r = Fixtures.train("maml", runs[m], 12, "train.second_order=true", "train.checkpoint_every=6",
                        modes[m]);
                assertEquals(0, r.exitCode(), r.err());
                assertFalse(r.out().contains("executor gang ended"), r.out());
                jobCounts[m] = jobs.get() - before;
            }
            for (String it : List.of("iter-000006", "iter-000012")) {
                for (String f : List.of("theta.npy", "adam_m.npy", "adam_v.npy")) {
                    assertArrayEquals(Fixtures.checkpointFile(runs[1], it, f), Fixtures.checkpointFile(runs[0], it, f),
                            it + " " + f + ": gang vs a job per iteration");
                }
            }
            // 12 iterations: a job each without the gang; with it, the loading jobs, one gang per
            // checkpoint interval and the metrics writes only.
            assertTrue(jobCounts[1] >= jobCounts[0] + 12 - 2, "jobs with the gang " + jobCounts[0] + ", without " + jobCounts[1]);
        } finally {
            spark.sparkContext().removeSparkListener(count);
        }
    }

    @Test
    void aGangWhoseTasksAreCancelledFailsAndFreesItsSlots() throws Exception {
        SparkSession spark = SharedSpark.local2();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RunConfig config = ConfigLoader.load(null, List.of("algorithm=maml", "dataset=" + Fixtures.smallDataset(),
                "run_dir=none", "model.hidden=[16, 16]", "adapt.past=8", "adapt.future=8", "train.meta_batch=4",
                "train.segments=2"));
        DatasetReader data = DatasetReader.open(spark, config.dataset());
        DatasetReader.LoadedSplit train = data.load(Split.TRAIN, config.adapt().segmentLength(), 2);
        try {
            ModelSpec spec = config.modelSpec(data.manifest().observationDim(), data.manifest().actionDim());
            Normalizer norm = MetaTrainer.fitNormalizer(train.tasks());
            TaskStep step = new TaskStep(config, spec, norm);
            float[] theta = spec.create(DataType.FLOAT).initialParameters(3).toFloatVector();
            MetaBatchSampler sampler = new MetaBatchSampler(train.taskIds(), 4, 3);
            TaskGang gang = TaskGang.start(jsc, train.tasks(), step, Duration.ofSeconds(30));
            for (int it = 1; it <= 2; it++) {
                long[] batch = sampler.batch(it);
                IterationSum viaGang = gang.iterate(it, batch, new float[0], 0, theta);
                gang.close();
                IterationSum viaJob = MetaTrainer.iterationByJob(jsc, train.tasks(), batch, new float[0], 0, theta, step, it);
                assertArrayEquals(viaJob.sum().sums(), viaGang.sum().sums(), "iteration " + it);
                gang = TaskGang.start(jsc, train.tasks(), step, Duration.ofSeconds(30));
            }
            jsc.cancelAllJobs(); // the gang's tasks end as a lost executor's would
            for (int wait = 0; wait < 100 && jsc.statusTracker().getActiveJobIds().length > 0; wait++) {
                Thread.sleep(100);
            }
            Thread.sleep(500); // the gang notices an ended job within 100 ms
            TaskGang dead = gang;
            assertThrows(TaskGang.Failure.class, () -> dead.iterate(3, sampler.batch(3), new float[0], 0, theta));
            // Its slots are free again: a job per iteration runs.
            assertEquals(4, MetaTrainer.iterationByJob(jsc, train.tasks(), sampler.batch(3), new float[0], 0, theta, step, 3)
                    .sum().count());
        } finally {
            train.release();
        }
    }
}
