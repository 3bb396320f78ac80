/**
 * Dense matrix products (gemm) for the matmul op, through a maintained BLAS rather than hand-written loops.
 *
 * <p>{@link dev.gradflow.core.kernels.Gemm} is {@code C = op(A)·op(B)} on row-major arrays; transposed operands
 * are read in place. {@link dev.gradflow.core.kernels.DenseProducts} runs them on the tensors' own arrays (float32
 * in {@code float[]} to sgemm, float64 in {@code double[]} to dgemm). {@link dev.gradflow.core.kernels.Gemms} picks the implementation once per
 * process, from the system property {@code gradflow.gemm} ({@code auto}, {@code native}, {@code java},
 * {@code loops}), and logs it. All three come from netlib-blas ({@code dev.ludovic.netlib:blas}, the binding
 * Apache Spark uses) or from gradflow itself:
 * <ol>
 *   <li><b>netlib-native</b>: netlib-blas extracts its bundled JNI shim, which {@code dlopen}s the library named
 *       by {@code -Ddev.ludovic.netlib.blas.nativeLibPath=/path/to/lib.so}, else by
 *       {@code -Ddev.ludovic.netlib.blas.nativeLib=name}, else {@code libblas.so.3} through the dynamic linker's
 *       search path. On Debian and Ubuntu, {@code apt-get install libopenblas0-pthread} makes
 *       {@code libblas.so.3} OpenBLAS (through the {@code libblas.so.3-x86_64-linux-gnu} alternative). Without a
 *       library the shim prints one {@code netlib-blas: JNI_OnLoad: dlopen(libblas.so.3) failed} line to stderr
 *       and the next choice is used. {@code -Ddev.ludovic.netlib.blas.allowNative=false} stops netlib from
 *       trying. OpenBLAS reads {@code OPENBLAS_NUM_THREADS} and {@code OPENBLAS_CORETYPE} from the environment
 *       when it loads; leave the core type unset so that it picks its kernels for the CPU: on an AVX-512 CPU
 *       (AMD Zen 5), forcing {@code OPENBLAS_CORETYPE=Haswell} (AVX2) halved gemm throughput compared with the
 *       detected {@code Cooperlake} or {@code SkylakeX} kernels.</li>
 *   <li><b>netlib-java</b>: netlib-blas's own pure-Java BLAS, used when no native library loads. It needs nothing
 *       installed. With the JVM flag {@code --add-modules jdk.incubator.vector} it is {@code VectorBLAS}, whose
 *       gemm is 3 to 5 times faster than without ({@code Java11BLAS}) on large products.</li>
 *   <li><b>loops</b>: gradflow's original loops, used only if netlib-blas itself fails to load.</li>
 * </ol>
 *
 * <p><b>Determinism.</b> For one implementation and one configuration on one machine, equal inputs give
 * bit-identical products, run after run and process after process: the Java paths are single-threaded, and
 * OpenBLAS's threaded gemm splits C among its threads, never the sum over k. Changing the configuration may
 * change the last bits, as any change of summation order does: another implementation, another CPU (another
 * vector width), another {@code OPENBLAS_CORETYPE}, or another OpenBLAS thread count (its blocking depends on
 * it).
 */
package dev.gradflow.core.kernels;
