/**
 * Dense matrix products (gemm) for the matmul op, through a maintained BLAS rather than hand-written loops.
 *
 * <p>{@link dev.gradflow.core.kernels.Gemm} is {@code C = op(A)·op(B)} on row-major arrays; transposed operands
 * are read in place. {@link dev.gradflow.core.kernels.DenseProducts} runs them on the tensors' own arrays (float32
 * in {@code float[]} to sgemm, float64 in {@code double[]} to dgemm). {@link dev.gradflow.core.kernels.Gemms}
 * picks the implementation once per process, from the system property {@code gradflow.gemm} ({@code auto},
 * {@code openblas}, {@code native}, {@code java}, {@code loops}), logs it in one line with the reason for every
 * fallback, and describes it for services ({@link dev.gradflow.core.kernels.Gemms#activeDescription()}).
 * {@code auto} tries, in order:
 * <ol>
 *   <li><b>openblas</b> ({@link dev.gradflow.core.kernels.OpenBlasGemm}): the OpenBLAS that comes with the build,
 *       inside bytedeco's {@code org.bytedeco:openblas} jars for linux-x86_64 and linux-arm64 (built with
 *       DYNAMIC_ARCH, so it picks the kernels for the CPU it finds). JavaCPP extracts it on first use to
 *       {@code ~/.javacpp/cache}, or to the directory named by {@code -Dorg.bytedeco.javacpp.cachedir} (set it
 *       where the home directory is read-only), and loads it. Products below
 *       {@code gradflow.blas.small-products} multiply-adds run on netlib's Java BLAS instead, where a native call
 *       costs more than it saves. OpenBLAS runs single-threaded; a large product is split into blocks of rows
 *       run at once on {@code gradflow.blas.threads} threads (else {@code OPENBLAS_NUM_THREADS}, else the JVM's
 *       available processors), see {@link dev.gradflow.core.kernels.RowBlockTeam}; the same threads run the ops'
 *       passes over large arrays ({@link dev.gradflow.core.kernels.ParallelRanges}) and, in float64, a layer's
 *       two backward products at once ({@link dev.gradflow.core.kernels.Gemm#both}). {@code OPENBLAS_CORETYPE}
 *       forces a kernel; leave it unset.</li>
 *   <li><b>netlib-native</b>: netlib-blas extracts its bundled JNI shim, which {@code dlopen}s the library named
 *       by {@code -Ddev.ludovic.netlib.blas.nativeLibPath=/path/to/lib.so}, else by
 *       {@code -Ddev.ludovic.netlib.blas.nativeLib=name}, else {@code libblas.so.3} through the dynamic linker's
 *       search path. {@code auto} uses it only when it is a BLAS known to be tuned (the reference BLAS is slower
 *       than netlib's Java one). Without a library the shim prints one
 *       {@code netlib-blas: JNI_OnLoad: dlopen(libblas.so.3) failed} line to stderr and the next choice is used.
 *       This is for platforms without a bundled OpenBLAS, or a system BLAS preferred over it
 *       ({@code gradflow.gemm=native}).</li>
 *   <li><b>netlib-java</b>: netlib-blas's own pure-Java BLAS. It needs nothing installed. With the JVM flag
 *       {@code --add-modules jdk.incubator.vector} it is {@code VectorBLAS}, whose gemm is 3 to 5 times faster
 *       than without ({@code Java11BLAS}) on large products.</li>
 *   <li><b>loops</b>: gradflow's original loops, used only if netlib-blas itself fails to load.</li>
 * </ol>
 *
 * <p><b>Determinism.</b> For one implementation and one configuration on one machine, equal inputs give
 * bit-identical products, run after run and process after process: the Java paths and every OpenBLAS call are
 * single-threaded, and a split product is split into blocks of C's rows by its shape and the thread count alone,
 * never in the sum over k, so each element is summed by one call in one order. Which path a product takes (OpenBLAS or the Java path for small products) depends on its
 * shape alone. Changing the configuration may change the last bits, as any change of summation order does:
 * another implementation, another CPU (another vector width, so another OpenBLAS kernel), another
 * {@code OPENBLAS_CORETYPE}, another thread count (the row blocks depend on it), or another small-product
 * threshold.
 */
package dev.gradflow.core.kernels;
