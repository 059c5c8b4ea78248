package org.mbmrl.workers;

import java.nio.charset.StandardCharsets;
import org.bytedeco.mkl.global.mkl_rt;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * Which BLAS library this JVM's GEMMs run on, ND4J's and the model code's alike: Intel's MKL
 * unless the JVM was started with {@code -Dorg.bytedeco.openblas.load=openblas} (JavaCPP's
 * switch, the one ND4J documents as {@code ND4JSystemProperties.ND4J_CPU_LOAD_OPENBLAS}).
 *
 * <p>Why MKL: the models' GEMMs are thin (a 32-row batch through 512-wide layers), and on
 * the AVX-512 machine of docs/benchmarks.md OpenBLAS 0.3.19 (ND4J's) and 0.3.31 (the newest
 * JavaCPP build) run them at 84-107 GFLOP/s on one thread where MKL 2022.0 runs them at
 * 150-167, both near 150-165 on large squares. The choice changes a run's numbers in their
 * last bits, as a different CPU does, and is recorded in every checkpoint's manifest
 * ({@code blas}); within one library runs stay bit-identical (each call on one thread, whose
 * results do not depend on the operands' alignment: {@code BlasSplitTest}). MKL's strict
 * reproducibility mode (MKL_CBWR_STRICT) is not set: it cost 10% of W2 and W4 and changes
 * nothing a one-thread call needs.
 *
 * <p>{@link #select()} must run before ND4J's first use: the CLI's main calls it, so do the
 * static initializers of {@link NativeThreads} and the model code's BLAS calls, and the
 * tests' JVMs get the property from the build. MKL's threading layer must come from the
 * environment ({@code MKL_THREADING_LAYER=GNU}, the OpenMP runtime libnd4j uses): set after
 * MKL has loaded (JavaCPP preloads Intel's OpenMP with it) it is accepted but has no effect,
 * and with Intel's runtime, whose idle threads spin for 200 ms, two-thread MPC evaluation
 * ran at 34-41% of the peak instead of 60-65%. bin/mbmrl, the build's tests and the
 * deploy configurations set it; {@link #configure()} warns once when it is missing.
 */
public final class BlasLibrary {
    /** JavaCPP's system property naming the library its OpenBLAS bindings load. */
    public static final String LOAD_PROPERTY = "org.bytedeco.openblas.load";
    /** The default of {@link #LOAD_PROPERTY}: MKL's single dynamic library. */
    public static final String DEFAULT_LOAD = "mkl_rt";
    /** The environment variable MKL reads its threading layer from when it loads. */
    public static final String THREADING_ENV = "MKL_THREADING_LAYER";

    private static volatile String name;

    private BlasLibrary() {}

    /** Chooses MKL unless the JVM chose a library already; without effect once ND4J has loaded its BLAS. */
    public static void select() {
        if (System.getProperty(LOAD_PROPERTY) == null) {
            System.setProperty(LOAD_PROPERTY, DEFAULT_LOAD);
        }
    }

    /** Whether ND4J's BLAS is MKL. */
    public static boolean isMkl() {
        return Nd4j.factory().blas().getBlasVendor() == Blas.Vendor.MKL;
    }

    /** Once per JVM, after ND4J has loaded: names the library (and warns if MKL lacks its threading setting). Returns {@link #name()}. */
    public static synchronized String configure() {
        if (name != null) {
            return name;
        }
        if (isMkl()) {
            if (!"GNU".equalsIgnoreCase(System.getenv(THREADING_ENV))) {
                LoggerFactory.getLogger(BlasLibrary.class).warn("MKL without {}=GNU in the environment: its Intel OpenMP"
                        + " threads spin when idle and slow the kernels at two or more threads (bin/mbmrl and the"
                        + " deploy configurations set it)", THREADING_ENV);
            }
            byte[] version = new byte[256];
            mkl_rt.MKL_Get_Version_String(version, version.length);
            String text = new String(version, StandardCharsets.US_ASCII);
            int end = text.indexOf('\0');
            name = (end < 0 ? text : text.substring(0, end)).trim();
        } else {
            name = org.bytedeco.openblas.global.openblas_nolapack.OPENBLAS_VERSION.trim();
        }
        return name;
    }

    /** The library's own thread count (through ND4J, which sets OpenBLAS's or MKL's). */
    public static void setThreads(int threads) {
        configure();
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** The loaded library and its version, e.g. "Intel(R) oneAPI Math Kernel Library Version 2022.0 ..." or "OpenBLAS 0.3.19 ...". */
    public static String name() {
        return configure();
    }
}
