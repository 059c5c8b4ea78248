package org.mbmrl.driver.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.mbmrl.driver.bench.MemoryBenchmark;
import org.mbmrl.driver.bench.SparkOverhead;
import org.mbmrl.workers.bench.KernelBenchmarks;
import org.mbmrl.workers.bench.ControlBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Benchmarks: sgemm peak, kernels W1-W4, control step, Spark overhead.",
        description = {"Benchmarks, all measured in this run: the machine's sgemm peak; workloads W1-W4 (docs/benchmarks.md)",
            "as rates and as FLOP utilization against that peak; and the Spark overhead of an outer iteration",
            "(meta-batch 20, maml) against the same inner loops in a plain JVM loop; the latency of one control",
            "step (the online adapters of GrBAL, FAMLE and VI + MPPI, 1000 candidates x horizon 15, W1 model)."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Option(names = "--threads", paramLabel = "N",
            description = "Native threads for the kernel benchmarks (default: all cores).")
    Integer threads;

    @Option(names = "--quick", description = "Short runs (a smoke test; figures are not meaningful).")
    boolean quick;

    @Option(names = "--iterations", defaultValue = "5", description = "Timed outer iterations for the Spark overhead (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--hidden", defaultValue = "512,512,512", split = ",",
            description = "Hidden widths of the Spark-overhead model (default: W1's ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--segments", defaultValue = "1,4", split = ",",
            description = "Segments per task for the Spark-overhead iteration; one measurement each (default: ${DEFAULT-VALUE}:"
                    + " W4's shape, and train.segments' default).")
    int[] segments;

    @Option(names = "--no-spark", description = "Skip the Spark overhead.")
    boolean noSpark;

    @Option(names = "--no-kernels", description = "Skip the kernel benchmarks.")
    boolean noKernels;

    @Option(names = "--no-control", description = "Skip the control-step latency (adapt + plan, W1 model).")
    boolean noControl;

    @Option(names = "--memory", description = "Run only the memory benchmark: peak resident memory of the driver and each"
            + " executor while loading and training on --memory-tasks x --memory-transitions, against the data's size.")
    boolean memory;

    @Option(names = "--memory-family", defaultValue = "pendulum,reacher-damage", split = ",",
            description = "Families of the memory benchmark, one measurement each (default: ${DEFAULT-VALUE}).")
    List<String> memoryFamilies;

    @Option(names = "--memory-tasks", defaultValue = "1000", description = "Tasks of the memory benchmark (default: ${DEFAULT-VALUE}).")
    int memoryTasks;

    @Option(names = "--memory-transitions", defaultValue = "2000",
            description = "Transitions per task of the memory benchmark, a multiple of 100 (default: ${DEFAULT-VALUE}).")
    int memoryTransitions;

    @Option(names = "--memory-dataset", paramLabel = "DIR", description = "Measure on this dataset (its train tasks)"
            + " instead of generating one in this JVM, so that the peaks are loading and training alone; repeatable.")
    List<String> memoryDatasets;

    @Option(names = "--outer", description = "Run only the outer-iteration benchmark: the demo's maml training through the"
            + " task gang, through a Spark job per iteration and as a plain one-thread loop, iteration by iteration.")
    boolean outer;

    @Option(names = "--outer-iterations", defaultValue = "200",
            description = "Iterations of each variant of --outer (default: ${DEFAULT-VALUE}, the demo's).")
    int outerIterations;

    @Option(names = "--scaling", description = "Run only the scaling benchmark: the parts of an outer iteration through the"
            + " task gang on this master (weak and strong scaling), for the model in docs/benchmarks.md.")
    boolean scaling;

    @Option(names = "--scaling-hidden", defaultValue = "512,512,512", split = ",",
            description = "Hidden widths of the --scaling model (default: ${DEFAULT-VALUE}, W1's).")
    int[] scalingHidden;

    @Option(names = "--scaling-per-slot", defaultValue = "5",
            description = "Weak scaling: tasks per task slot in the meta-batch (default: ${DEFAULT-VALUE}).")
    int scalingPerSlot;

    @Option(names = "--scaling-batch", defaultValue = "10",
            description = "Strong scaling: the meta-batch whatever the slots (default: ${DEFAULT-VALUE}).")
    int scalingBatch;

    @Option(names = "--scaling-slots", defaultValue = "0",
            description = "Task slots (partitions, gang members) of --scaling; 0: Spark's default parallelism (default: ${DEFAULT-VALUE}).")
    int scalingSlots;

    @Option(names = "--memory-dir", paramLabel = "DIR",
            description = "Where --memory and --outer write (and then delete) their dataset (default: java.io.tmpdir).")
    java.nio.file.Path memoryDir;

    @Override
    public Integer call() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1; got " + n);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("--iterations must be >= 1; got " + iterations);
        }
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        if (scaling) {
            if (scalingPerSlot < 1 || scalingBatch < 1 || scalingSlots < 0) {
                throw new IllegalArgumentException("--scaling-per-slot and --scaling-batch must be >= 1 and --scaling-slots"
                        + " >= 0; got " + scalingPerSlot + ", " + scalingBatch + " and " + scalingSlots);
            }
            out.print(org.mbmrl.driver.bench.ScalingBenchmark.run(spark.session("bench --scaling"), scalingHidden, scalingPerSlot,
                    scalingBatch, scalingSlots, quick ? 3 : 15, out));
            return 0;
        }
        if (outer) {
            if (outerIterations < 1) {
                throw new IllegalArgumentException("--outer-iterations must be >= 1; got " + outerIterations);
            }
            java.nio.file.Path dir = memoryDir != null ? memoryDir : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
            out.print(org.mbmrl.driver.bench.OuterIterationBenchmark.run(spark.session("bench --outer"), outerIterations, dir, out)
                    .table());
            return 0;
        }
        if (memory) {
            for (String family : memoryFamilies) {
                org.mbmrl.datasets.family.TaskFamilies.byName(family);
            }
            java.nio.file.Path dir = memoryDir != null ? memoryDir : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
            if (memoryDatasets != null) {
                for (String d : memoryDatasets) {
                    out.print(MemoryBenchmark.run(spark.session("bench --memory"), null, 0, 0, d, dir, out).table());
                }
                return 0;
            }
            for (String family : memoryFamilies) {
                out.print(MemoryBenchmark.run(spark.session("bench --memory"), family, memoryTasks, memoryTransitions, dir, out)
                        .table());
            }
            return 0;
        }
        if (!noKernels) {
            out.print(KernelBenchmarks.run(n, quick).toTable());
            out.println();
        }
        if (!noControl) {
            for (String algorithm : ControlBenchmark.ALGORITHMS) {
                out.print(ControlBenchmark.run(n, quick, algorithm).toTable());
                out.println();
            }
        }
        if (!noSpark) {
            for (int s : segments) {
                if (s < 1) {
                    throw new IllegalArgumentException("--segments must be >= 1; got " + s);
                }
                SparkOverhead.Figures f = SparkOverhead.measure(spark.session("bench"), hidden, s, quick ? 1 : iterations, out);
                out.print(f.table());
            }
        }
        return 0;
    }
}
