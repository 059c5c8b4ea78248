package org.mbmrl.driver.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.mbmrl.datasets.TaskTransitions;

/**
 * The outer loop's executor side as one long-lived Spark task per partition of the cached
 * tasks, each holding its partition where Spark cached it and serving every iteration over a
 * socket to the driver: the driver sends theta, the iteration and the sampled task ids (the
 * broadcast), each member computes its sampled tasks' {@link TaskStep}s and returns its
 * partial {@link IterationSum}, and the driver merges them (the aggregate). The same pure
 * function of the same inputs as {@link MetaTrainer#iterationByJob}, so the same bits; what it saves
 * is Spark's fixed cost per iteration (a job with its closure, a broadcast created and
 * destroyed, task launch and result handling: 15-70 ms here however small the model, about
 * 250 ms on a standalone cluster), the pattern XGBoost's and LightGBM's Spark integrations use
 * for iterative training.
 *
 * <p>It holds every task slot its partitions need while it runs, so the trainer closes it
 * before any other Spark job (the metrics table at a checkpoint) and starts a new one after.
 * Any failure (a member's executor lost, a task exception, a member that does not connect in
 * time) ends the gang with a {@link Failure}; the trainer then runs that iteration and the
 * rest of the run as one Spark job each, with Spark's own retries and recomputation from
 * Parquet. Messages are raw numbers (no Java serialization); a member must present the
 * gang's random token, so a stray connection cannot join.
 */
public final class TaskGang implements Closeable {
    private static final int MAGIC = 0x6d626d31; // "mbm1"
    private static final int OP_ITERATE = 1;
    private static final int OP_STOP = 2;
    private static final int OP_RESULT = 3;
    private static final int OP_ERROR = 4;
    private static final AtomicInteger GANGS = new AtomicInteger();

    /** The gang cannot go on; the caller falls back to one Spark job per iteration. */
    public static final class Failure extends Exception {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final JavaSparkContext jsc;
    private final String jobGroup;
    private final ServerSocket server;
    private final JavaFutureAction<Void> job;
    private final Member[] members;
    private final Thread watchdog;
    private volatile boolean closed;

    private record Member(Socket socket, DataInputStream in, DataOutputStream out) {}

    /**
     * Where the last iteration's time went, for benchmarks: the driver writing theta and the
     * ids to every member, waiting for and reading the partial sums, merging them; the
     * slowest member's compute (its {@link TaskStep}s); the bytes each way.
     */
    public record Parts(long sendNanos, long receiveNanos, long mergeNanos, long maxComputeNanos, long sumComputeNanos,
            long bytesOut, long bytesIn) {}

    private Parts last;

    /** The parts of the last completed iteration (null before the first). */
    public Parts lastParts() {
        return last;
    }

    private TaskGang(JavaSparkContext jsc, String jobGroup, ServerSocket server, JavaFutureAction<Void> job, Member[] members) {
        this.jsc = jsc;
        this.jobGroup = jobGroup;
        this.server = server;
        this.job = job;
        this.members = members;
        // A member whose Spark task ends (its executor lost, an exception) may leave its socket
        // open on a hung host: when the job ends before the gang is closed, close the sockets
        // so a read waiting for that member fails instead of waiting forever.
        this.watchdog = new Thread(() -> {
            while (!closed) {
                if (job.isDone()) {
                    closeSockets();
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mbmrl-gang-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /**
     * Starts one member per partition of {@code tasks} and waits up to {@code connect} for all
     * of them; a {@link Failure} when they do not all connect in time (fewer free task slots
     * than partitions, say).
     */
    public static TaskGang start(JavaSparkContext jsc, JavaRDD<TaskTransitions> tasks, TaskStep step, Duration connect)
            throws Failure {
        int partitions = tasks.getNumPartitions();
        String host = jsc.getConf().get("spark.driver.host", "127.0.0.1");
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), partitions);
        } catch (IOException e) {
            throw new Failure("cannot listen on the driver host " + host + ": " + e.getMessage(), e);
        }
        long token = new SecureRandom().nextLong();
        int port = server.getLocalPort();
        String group = "mbmrl-gang-" + GANGS.incrementAndGet();
        jsc.setJobGroup(group, "mbmrl outer loop: " + partitions + " long-lived task(s)", true);
        JavaFutureAction<Void> job;
        try {
            job = tasks.foreachPartitionAsync(part -> serve(part, host, port, token, step));
        } finally {
            jsc.clearJobGroup();
        }
        Member[] members = new Member[partitions];
        long deadline = System.nanoTime() + connect.toNanos();
        try {
            for (int connected = 0; connected < partitions; ) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (System.nanoTime() > deadline || job.isDone()) {
                    throw new IOException(connected + " of " + partitions + " partitions' tasks connected within " + connect
                            + (job.isDone() ? " (the gang's job ended)" : "")
                            + "; the gang needs a free task slot per partition");
                }
                server.setSoTimeout((int) Math.min(left, 200));
                Socket s;
                try {
                    s = server.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                s.setSoTimeout(10_000);
                int magic = in.readInt();
                long presented = in.readLong();
                int partition = in.readInt();
                s.setSoTimeout(0);
                if (magic != MAGIC || presented != token || partition < 0 || partition >= partitions
                        || members[partition] != null) {
                    s.close(); // not one of ours, or a second attempt of a partition: refused
                    continue;
                }
                members[partition] = new Member(s, in, out);
                connected++;
            }
        } catch (IOException e) {
            for (Member m : members) {
                if (m != null) {
                    closeQuietly(m.socket());
                }
            }
            closeQuietly(server);
            jsc.cancelJobGroup(group);
            throw new Failure(e.getMessage(), e);
        }
        return new TaskGang(jsc, group, server, job, members);
    }

    /**
     * One outer iteration: every member gets theta and the sampled ids and rows (each task's
     * current state row, {@code width} numbers, in {@code batch} order) and returns its
     * partial sum; the exact merge of all of them.
     */
    public IterationSum iterate(int iteration, long[] batch, float[] rows, int width, float[] theta) throws Failure {
        if (closed) {
            throw new IllegalStateException("the gang is closed");
        }
        try {
            long t0 = System.nanoTime();
            for (Member m : members) {
                DataOutputStream out = m.out();
                out.writeInt(OP_ITERATE);
                out.writeInt(iteration);
                out.writeInt(width);
                writeLongs(out, batch);
                writeFloats(out, rows);
                writeFloats(out, theta);
                out.flush();
            }
            long t1 = System.nanoTime();
            long bytesOut = (long) members.length * (12 + 4 + 8L * batch.length + 4 + 4L * rows.length + 4 + 4L * theta.length);
            IterationSum total = new IterationSum();
            long merge = 0;
            long maxCompute = 0;
            long sumCompute = 0;
            long bytesIn = 0;
            for (int p = 0; p < members.length; p++) {
                DataInputStream in = members[p].in();
                int op = in.readInt();
                if (op == OP_ERROR) {
                    throw new IOException("partition " + p + ": " + in.readUTF());
                }
                if (op != OP_RESULT) {
                    throw new IOException("partition " + p + " sent message " + op);
                }
                long compute = in.readLong();
                maxCompute = Math.max(maxCompute, compute);
                sumCompute += compute;
                IterationSum partial = readSum(in);
                long m0 = System.nanoTime();
                total.merge(partial);
                merge += System.nanoTime() - m0;
                long[] sums = partial.sum().sums();
                bytesIn += 4 + 8 + 4 + (sums == null ? 0 : 8L * sums.length) + 5 + 4;
            }
            long t2 = System.nanoTime();
            last = new Parts(t1 - t0, t2 - t1 - merge, merge, maxCompute, sumCompute, bytesOut, bytesIn);
            return total;
        } catch (IOException | RuntimeException e) {
            abort();
            throw new Failure("iteration " + iteration + ": " + e.getMessage(), e);
        }
    }

    /** Ends the gang at once after a failure: cancels its job (no retries of its tasks) and closes every socket. */
    private void abort() {
        closed = true;
        watchdog.interrupt();
        jsc.cancelJobGroup(jobGroup);
        closeSockets();
    }

    /** Tells the members to finish and waits briefly for their job to end; then frees the slots. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watchdog.interrupt();
        for (Member m : members) {
            try {
                m.out().writeInt(OP_STOP);
                m.out().flush();
            } catch (IOException e) {
                // already gone
            }
        }
        try {
            job.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            jsc.cancelJobGroup(jobGroup);
        }
        closeSockets();
    }

    private void closeSockets() {
        for (Member m : members) {
            closeQuietly(m.socket());
        }
        closeQuietly(server);
    }

    // ------------------------------------------------------------------ the member (executor side)

    /** Runs in the Spark task of one partition: connect, then serve iterations until told to stop. */
    private static void serve(Iterator<TaskTransitions> partition, String host, int port, long token, TaskStep step)
            throws IOException {
        List<TaskTransitions> tasks = new ArrayList<>();
        partition.forEachRemaining(tasks::add);
        long[] ids = new long[tasks.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tasks.get(i).taskId();
        }
        try (Socket s = new Socket(host, port)) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            out.writeInt(MAGIC);
            out.writeLong(token);
            out.writeInt(TaskContext.getPartitionId());
            out.flush();
            while (true) {
                int op = in.readInt();
                if (op == OP_STOP) {
                    return;
                }
                if (op != OP_ITERATE) {
                    throw new IOException("unexpected message " + op + " from the driver");
                }
                int iteration = in.readInt();
                int width = in.readInt();
                long[] batch = readLongs(in);
                float[] rows = readFloats(in);
                float[] theta = readFloats(in);
                IterationSum sum;
                long c0 = System.nanoTime();
                try {
                    sum = step.contributeAll(new IterationSum(), theta, tasks, batch, rows, width, iteration);
                } catch (RuntimeException e) {
                    // The driver falls back to a Spark job, which reruns this and reports it with Spark's stack trace.
                    out.writeInt(OP_ERROR);
                    out.writeUTF(String.valueOf(e.getMessage()));
                    out.flush();
                    throw e;
                }
                out.writeInt(OP_RESULT);
                out.writeLong(System.nanoTime() - c0);
                writeSum(out, sum);
                out.flush();
            }
        }
    }

    // ------------------------------------------------------------------ encoding

    private static void writeSum(DataOutputStream out, IterationSum s) throws IOException {
        long[] sums = s.sum().sums();
        out.writeInt(s.sum().count());
        writeLongs(out, sums == null ? new long[0] : sums);
        out.writeBoolean(sums == null);
        out.writeInt(s.rows().size());
        for (var e : s.rows().entrySet()) {
            out.writeLong(e.getKey());
            writeFloats(out, e.getValue());
        }
    }

    private static IterationSum readSum(DataInputStream in) throws IOException {
        int count = in.readInt();
        long[] sums = readLongs(in);
        boolean empty = in.readBoolean();
        int n = in.readInt();
        TreeMap<Long, float[]> rows = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            rows.put(in.readLong(), readFloats(in));
        }
        return IterationSum.restore(ExactSum.restore(empty ? null : sums, count), rows);
    }

    private static void writeLongs(DataOutputStream out, long[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(v.length * 8);
        b.asLongBuffer().put(v);
        out.write(b.array());
    }

    private static long[] readLongs(DataInputStream in) throws IOException {
        byte[] bytes = new byte[Math.multiplyExact(checkedLength(in.readInt()), 8)];
        in.readFully(bytes);
        long[] v = new long[bytes.length / 8];
        ByteBuffer.wrap(bytes).asLongBuffer().get(v);
        return v;
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(v.length * 4);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        byte[] bytes = new byte[Math.multiplyExact(checkedLength(in.readInt()), 4)];
        in.readFully(bytes);
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
        return v;
    }

    private static int checkedLength(int n) throws IOException {
        if (n < 0 || n > (1 << 28)) {
            throw new IOException("bad array length " + n);
        }
        return n;
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
