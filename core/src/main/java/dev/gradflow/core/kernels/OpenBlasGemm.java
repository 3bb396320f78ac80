package dev.gradflow.core.kernels;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * {@link Gemm} on the OpenBLAS that arrives with the build: bytedeco's {@code org.bytedeco:openblas} jars carry
 * OpenBLAS compiled for every core type of the platform (DYNAMIC_ARCH: it picks its kernels for the CPU when it
 * loads), and JavaCPP extracts and loads it. Nothing needs installing; platforms without a bundled library
 * (anything but linux-x86_64 and linux-arm64 here) fail to load and {@link Gemms} falls back to netlib.
 *
 * <p>The product is {@code cblas_?gemm} in row-major order ({@code CblasRowMajor}) with OpenBLAS's own transpose
 * flags, so a transposed operand is read in place, never copied into a transpose.
 *
 * <p><b>How the data reaches OpenBLAS.</b> Java 17 has no way to lend a Java array to OpenBLAS's threads in
 * place (JNI's critical access would hold up the garbage collector meanwhile, and JavaCPP's overloads do not use
 * it), so every route copies. {@link Transfer} names the routes that were measured side by side
 * (see the README's speed section); {@link #DEFAULT_TRANSFER} is the one chosen. Passing the arrays in place with
 * Java 22's critical downcalls was tried on Java 25: no faster on 784-256-128-10's products (OpenBLAS packs its
 * operands into blocks of its own anyway, and the copy leaves them in the cache for that), 7% faster on
 * 1024-1024-1024-10's, and it holds every safepoint while a product runs (README, "What the copies cost").
 *
 * <p><b>Small products.</b> A native call costs a JNI transition, the copies, and OpenBLAS's own set-up, which
 * for a product of a few thousand multiply-adds is more than the arithmetic. Products with
 * {@code m·n·k < smallProducts} multiply-adds run on a pure-Java {@link Gemm} instead. The test depends on the
 * shape alone, so a given shape always takes the same path and its result never depends on timing.
 *
 * <p><b>Threads and determinism.</b> OpenBLAS runs single-threaded. A product large enough is split into blocks
 * of C's rows, each a single-threaded OpenBLAS call, run at the same time on {@link RowBlockTeam}'s threads. The
 * split depends on the shape and the configured thread count alone, and a block gives the same bits whichever
 * thread runs it, so for one library build, CPU type and thread count, equal inputs give bit-identical outputs.
 * Changing {@link #THREADS_PROPERTY} or {@code OPENBLAS_NUM_THREADS} may change the last bits.
 *
 * <p>Instances are safe to use from several threads at once: the off-heap buffers are per thread, and this
 * OpenBLAS build (threaded, with locking) may be called concurrently; the tests check that concurrent callers get
 * the same bits.
 */
public final class OpenBlasGemm implements Gemm {
    /**
     * The system property that sets OpenBLAS's thread count, a positive integer. Without it, and without
     * {@code OPENBLAS_NUM_THREADS} in the environment, OpenBLAS uses {@link Runtime#availableProcessors()}
     * threads (why, and when to set 1: the README's speed section).
     */
    public static final String THREADS_PROPERTY = "gradflow.blas.threads";

    /**
     * The system property that sets {@link #DEFAULT_SMALL_PRODUCTS}, the multiply-adds below which a product runs
     * on the Java path; 0 sends every product to OpenBLAS.
     */
    public static final String SMALL_PRODUCTS_PROPERTY = "gradflow.blas.small-products";

    /**
     * Products of fewer multiply-adds (m·n·k) than this run on the Java path. Measured (README, speed section):
     * on the 2-64-3 network's products (at most 57,600 multiply-adds) netlib's Java BLAS was even with OpenBLAS
     * in float32 and 1.1 to 6 times faster in float64; on the smallest product of 784-256-128-10 (327,680)
     * OpenBLAS was 2.5 to 5 times faster in float32 and from 0.7 to 2.8 times in float64. The threshold sits
     * between the two, at a power of two.
     */
    public static final long DEFAULT_SMALL_PRODUCTS = 65_536;

    /**
     * The route chosen: {@link Transfer#POINTERS} copies less (A and B in, C out, where ARRAYS also copies C in,
     * A and B back, and allocates the native copies) and allocates nothing per call. Measured side by side it was
     * faster in 17 of 24 products, by up to 1.9 times (README, speed section); the machine was shared, so single
     * rows are noisy.
     */
    public static final Transfer DEFAULT_TRANSFER = Transfer.POINTERS;

    /** How operands reach OpenBLAS and the result comes back; each copies, in different ways. */
    public enum Transfer {
        /**
         * JavaCPP's {@code double[]}/{@code float[]} overloads: JNI's {@code Get<Type>ArrayElements} copies A, B
         * and C into fresh native memory on every call, and {@code Release<Type>ArrayElements} copies them back.
         */
        ARRAYS,
        /**
         * Off-heap {@link DoublePointer}/{@link FloatPointer} buffers, one set per thread, grown when a larger
         * product comes and then reused: A and B are copied in, C copied out, nothing allocated in steady state.
         */
        POINTERS
    }

    private static final Object LOAD_LOCK = new Object();
    private static volatile Library library;

    private final Library lib;
    private final Transfer transfer;
    private final long smallProducts;
    private final Gemm smallGemm;
    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);
    private final String name;

    private OpenBlasGemm(Library lib, Transfer transfer, long smallProducts, Gemm smallGemm) {
        this.lib = lib;
        this.transfer = transfer;
        this.smallProducts = smallProducts;
        this.smallGemm = smallGemm;
        this.name = "openblas " + lib.version() + ", " + lib.threads() + (lib.threads() == 1 ? " thread" : " threads")
                + (smallProducts > 0 ? ", below " + smallProducts + " multiply-adds " + smallGemm.name() : "")
                + (transfer == DEFAULT_TRANSFER ? "" : ", " + transfer.name().toLowerCase(Locale.ROOT))
                + (lib.file().isEmpty() ? "" : " → " + lib.file());
    }

    /**
     * The bundled OpenBLAS as gradflow uses it by default: {@link #DEFAULT_TRANSFER}, small products (below
     * {@value #SMALL_PRODUCTS_PROPERTY}, default {@value #DEFAULT_SMALL_PRODUCTS}) on netlib's Java BLAS, and the
     * thread count of {@value #THREADS_PROPERTY}.
     *
     * @throws IllegalStateException when the library does not load here (no bundled build for this platform,
     *     the jars missing from the class path, the native cache not writable), with the reason
     * @throws IllegalArgumentException when {@value #SMALL_PRODUCTS_PROPERTY} or {@value #THREADS_PROPERTY}
     *     is not a number of the right sign
     */
    public static OpenBlasGemm load() {
        String small = System.getProperty(SMALL_PRODUCTS_PROPERTY);
        long smallProducts = small == null ? DEFAULT_SMALL_PRODUCTS : parse(SMALL_PRODUCTS_PROPERTY, small, 0);
        return load(DEFAULT_TRANSFER, smallProducts, smallProducts > 0 ? NetlibGemm.javaBlas() : LoopGemm.INSTANCE);
    }

    /**
     * The bundled OpenBLAS with the given data route and small-product path; the benchmarks compare these.
     *
     * @param transfer how operands and the result move between the heap and OpenBLAS
     * @param smallProducts products with fewer multiply-adds (m·n·k) run on {@code smallGemm}; 0 for none
     * @param smallGemm the path for small products. Not modified.
     * @throws IllegalStateException when the library does not load here, with the reason
     */
    public static OpenBlasGemm load(Transfer transfer, long smallProducts, Gemm smallGemm) {
        if (smallProducts < 0) {
            throw new IllegalArgumentException("smallProducts must be at least 0, got " + smallProducts);
        }
        return new OpenBlasGemm(library(), Objects.requireNonNull(transfer), smallProducts,
                Objects.requireNonNull(smallGemm));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GemmDescription description() {
        return new GemmDescription("openblas", "OpenBLAS " + lib.version() + " (bytedeco " + lib.bytedecoVersion()
                + ", " + lib.platform() + ", DYNAMIC_ARCH)", lib.threads());
    }

    /** The threads a large product runs on, which {@link ParallelRanges} shares. */
    RowBlockTeam team() {
        return lib.team();
    }

    /** How operands reach OpenBLAS. */
    public Transfer transfer() {
        return transfer;
    }

    /** Products with fewer multiply-adds (m·n·k) than this run on the Java path. */
    public long smallProducts() {
        return smallProducts;
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // OpenBLAS rejects a leading dimension of 0 (lda = k when A is not transposed).
            Arrays.fill(c, 0, m * n, 0.0);
            return;
        }
        if ((long) m * n * k < smallProducts) {
            smallGemm.dgemm(transA, transB, m, n, k, a, b, c);
            return;
        }
        int flagA = flag(transA);
        int flagB = flag(transB);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int sizeA = m * k;
        int sizeB = k * n;
        int sizeC = m * n;
        switch (transfer) {
            case ARRAYS -> openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, flagA, flagB, m, n, k,
                    1.0, a, lda, b, ldb, 0.0, c, n);
            case POINTERS -> {
                Buffers buffer = buffers.get();
                DoublePointer pa = buffer.doubles(0, sizeA);
                DoublePointer pb = buffer.doubles(1, sizeB);
                DoublePointer pc = buffer.doubles(2, sizeC);
                inRowBlocks(buffer, m, n, k,
                        (from, to) -> (from == 0 ? pa : pa.getPointer(from)).put(a, from, to - from), sizeA,
                        (from, to) -> (from == 0 ? pb : pb.getPointer(from)).put(b, from, to - from), sizeB,
                        (first, rows) -> {
                            DoublePointer blockA = first == 0 ? pa : pa.getPointer(transA ? first : (long) first * k);
                            DoublePointer blockC = first == 0 ? pc : pc.getPointer((long) first * n);
                            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, flagA, flagB, rows, n, k,
                                    1.0, blockA, lda, pb, ldb, 0.0, blockC, n);
                            blockC.get(c, first * n, rows * n);
                        });
            }
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, 0, m * n, 0.0f);
            return;
        }
        if ((long) m * n * k < smallProducts) {
            smallGemm.sgemm(transA, transB, m, n, k, a, b, c);
            return;
        }
        int flagA = flag(transA);
        int flagB = flag(transB);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int sizeA = m * k;
        int sizeB = k * n;
        int sizeC = m * n;
        switch (transfer) {
            case ARRAYS -> openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, flagA, flagB, m, n, k,
                    1.0f, a, lda, b, ldb, 0.0f, c, n);
            case POINTERS -> {
                Buffers buffer = buffers.get();
                FloatPointer pa = buffer.floats(0, sizeA);
                FloatPointer pb = buffer.floats(1, sizeB);
                FloatPointer pc = buffer.floats(2, sizeC);
                inRowBlocks(buffer, m, n, k,
                        (from, to) -> (from == 0 ? pa : pa.getPointer(from)).put(a, from, to - from), sizeA,
                        (from, to) -> (from == 0 ? pb : pb.getPointer(from)).put(b, from, to - from), sizeB,
                        (first, rows) -> {
                            // Rows of C are rows of A, or columns of A when it is read transposed (A is [k, m] then).
                            FloatPointer blockA = first == 0 ? pa : pa.getPointer(transA ? first : (long) first * k);
                            FloatPointer blockC = first == 0 ? pc : pc.getPointer((long) first * n);
                            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, flagA, flagB, rows, n, k,
                                    1.0f, blockA, lda, pb, ldb, 0.0f, blockC, n);
                            blockC.get(c, first * n, rows * n);
                        });
            }
        }
    }

    /**
     * Runs the two products at the same time, each on half the team's threads (with two threads: each whole, on
     * one thread), when the team has at least two threads and the smaller has at least
     * {@value #PAIR_PRODUCTS} multiply-adds; otherwise one after the other, each split as usual.
     *
     * <p>Why: a dense layer's two backward products have the same number of multiply-adds, so they balance, and
     * each whole product packs its B operand once where two row blocks pack all of it twice, once per thread; the
     * pair also needs half the hand-overs, and products too small to split still get a core each. Whether a call
     * is paired depends on the shapes and the thread count alone, and a helper that is busy leaves the second
     * product to the caller, split the same way, so the bits never depend on timing.
     */
    @Override
    public void both(long multiplyAdds, Runnable first, Runnable second) {
        RowBlockTeam team = lib.team();
        if (team.threads() < 2 || multiplyAdds < PAIR_PRODUCTS) {
            first.run();
            second.run();
            return;
        }
        team.run(2, product -> {
            Buffers buffer = buffers.get();
            buffer.inPair = true;
            try {
                (product == 0 ? first : second).run();
            } finally {
                buffer.inPair = false;
            }
        });
    }

    @Override
    public String toString() {
        return name;
    }

    /** Copies elements [from, to) of an operand into the same range of its off-heap buffer. */
    private interface RangeCopy {
        void copy(int from, int to);
    }

    /** Computes rows [first, first + rows) of C and copies them out. */
    private interface RowBlock {
        void compute(int first, int rows);
    }

    /**
     * Copies A and B in and computes C in {@link #blocks} row blocks on the team: unsplit on the calling thread
     * for a small product; otherwise every thread copies an equal range of each operand, all copies end, then
     * every thread computes its block of rows. Blocks past the last row (m not a multiple) do nothing.
     */
    private void inRowBlocks(Buffers buffer, int m, int n, int k, RangeCopy copyA, int sizeA, RangeCopy copyB,
            int sizeB, RowBlock product) {
        int blocks = blocks(m, n, k, buffer.inPair);
        if (blocks == 1) {
            copyA.copy(0, sizeA);
            copyB.copy(0, sizeB);
            product.compute(0, m);
            return;
        }
        RowBlockTeam team = lib.team();
        team.run(blocks, block -> {
            copyRange(copyA, sizeA, block, blocks);
            copyRange(copyB, sizeB, block, blocks);
        });
        int blockRows = blockRows(m, blocks);
        team.run(blocks, block -> {
            int first = block * blockRows;
            int rows = Math.min(blockRows, m - first);
            if (rows > 0) {
                product.compute(first, rows);
            }
        });
    }

    /** Block {@code block} of {@code blocks} equal ranges of {@code [0, size)}. */
    private static void copyRange(RangeCopy copy, int size, int block, int blocks) {
        int from = (int) ((long) size * block / blocks);
        int to = (int) ((long) size * (block + 1) / blocks);
        if (to > from) {
            copy.copy(from, to);
        }
    }

    /**
     * How many row blocks a product is split into: one per thread of the team (half of them for a product of a
     * pair, see {@link #both}) when the product has at least {@value #SPLIT_PRODUCTS} multiply-adds and
     * {@value #MIN_BLOCK_ROWS} rows per block, else one. It depends on the shape, the thread count and whether
     * the product is one of a pair alone, so a given call is always split the same way.
     */
    private int blocks(int m, int n, int k, boolean inPair) {
        int threads = inPair ? lib.team().threads() / 2 : lib.team().threads();
        if (threads <= 1 || (long) m * n * k < SPLIT_PRODUCTS) {
            return 1;
        }
        return Math.max(1, Math.min(threads, m / MIN_BLOCK_ROWS));
    }

    /** Rows per block, a multiple of {@value #MIN_BLOCK_ROWS} (the last block may have fewer). */
    private static int blockRows(int m, int blocks) {
        int rows = (m + blocks - 1) / blocks;
        return blocks == 1 ? m : (rows + MIN_BLOCK_ROWS - 1) / MIN_BLOCK_ROWS * MIN_BLOCK_ROWS;
    }

    private static int flag(boolean transpose) {
        return transpose ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    }

    /**
     * One thread's off-heap operands: slots 0, 1 and 2 for A, B and C, per element type. A slot is replaced by a
     * larger one when a product needs more and is otherwise reused, so a steady stream of the same network's
     * products allocates nothing. The memory is freed when the thread ends and its buffers are collected.
     */
    private static final class Buffers {
        /** Whether this thread is running one product of a pair ({@link #both}), so gets half the threads. */
        boolean inPair;
        private final DoublePointer[] doubles = new DoublePointer[3];
        private final FloatPointer[] floats = new FloatPointer[3];

        DoublePointer doubles(int slot, int size) {
            DoublePointer pointer = doubles[slot];
            if (pointer == null || pointer.capacity() < size) {
                if (pointer != null) {
                    pointer.close();
                }
                pointer = new DoublePointer(size);
                doubles[slot] = pointer;
            }
            return pointer;
        }

        FloatPointer floats(int slot, int size) {
            FloatPointer pointer = floats[slot];
            if (pointer == null || pointer.capacity() < size) {
                if (pointer != null) {
                    pointer.close();
                }
                pointer = new FloatPointer(size);
                floats[slot] = pointer;
            }
            return pointer;
        }
    }

    /** The loaded library, once per process: loading extracts files and sets OpenBLAS's global thread count. */
    private record Library(String version, String bytedecoVersion, String platform, String file,
            RowBlockTeam team) {
        int threads() {
            return team.threads();
        }
    }

    private static Library library() {
        Library loaded = library;
        if (loaded == null) {
            synchronized (LOAD_LOCK) {
                loaded = library;
                if (loaded == null) {
                    loaded = loadLibrary();
                    library = loaded;
                }
            }
        }
        return loaded;
    }

    private static Library loadLibrary() {
        String platform = Loader.getPlatform();
        try {
            // Extracts the JNI glue and libopenblas (with the GCC runtime it links) from the jar of this platform
            // to JavaCPP's cache directory, ~/.javacpp/cache unless -Dorg.bytedeco.javacpp.cachedir says
            // otherwise, and loads them. The LAPACK-free binding: gemm needs nothing more, and its JNI glue is
            // 0.3 MB where the full one is 24 MB.
            Loader.load(openblas_nolapack.class);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("bundled OpenBLAS did not load on " + platform + " (" + e + ")", e);
        }
        int threads = configureThreads();
        RowBlockTeam team = new RowBlockTeam(threads);
        warmUp(team);
        String version = openblas_nolapack.OPENBLAS_VERSION.trim().replaceFirst("^OpenBLAS\\s*", "");
        String bytedecoVersion;
        try {
            String full = Loader.getVersion("org.bytedeco", "openblas", openblas_nolapack.class);
            bytedecoVersion = full == null ? "?" : full.substring(full.lastIndexOf('-') + 1);
        } catch (IOException e) {
            bytedecoVersion = "?";
        }
        List<String> files = NativeLibraries.bundledOpenBlasInUse();
        return new Library(version, bytedecoVersion, platform, files.isEmpty() ? "" : files.get(0), team);
    }

    /**
     * Products with fewer multiply-adds than this run on the calling thread alone: below it, handing a block to a
     * helper costs more than the block (a 1,048,576 multiply-add sgemm takes about 60 µs on one core).
     */
    static final long SPLIT_PRODUCTS = 1 << 20;

    /**
     * Pairs of products of fewer multiply-adds than this run one after the other ({@link #both}): a pair's hand-over
     * costs a few microseconds, and a 262,144 multiply-add sgemm takes about 15.
     */
    static final long PAIR_PRODUCTS = 1 << 18;

    /** The fewest rows of C a block gets, and the multiple its rows are rounded to. */
    static final int MIN_BLOCK_ROWS = 16;

    /** The warm-up product's size, m = n = k: the smallest power of two measured to bring the fast state. */
    private static final int WARM_UP_SIZE = 512;

    /**
     * Runs one single-precision product of {@value #WARM_UP_SIZE}³ on zeros (about 10 ms) on each thread of the
     * team, once per process, before any real product.
     *
     * <p>Why: in this OpenBLAS build, until the process has run one large enough sgemm, its sgemm kernel
     * ({@code sgemm_kernel_ZEN} on the machine measured) runs every later product about three times slower on one
     * thread: 256×784 · 784×256 at 11 GFLOP/s instead of 32, 256×256 · 256×128 at 15 instead of 33. The state is
     * not the calling thread's (one product on one thread sped up later products on every other) and it lasts,
     * but it belongs to one of OpenBLAS's work buffers, and concurrent calls use different ones.
     * Products with an output of at least about 384 columns and a few hundred rows and inner dimension bring it;
     * smaller ones (the forward pass of 784-256-128-10, or 16×256 · 256×512) never do, so a forward-service that
     * only runs those stayed in the slow state for good. Two-thread products and dgemm were not affected. The
     * product is on zeros, so its result is discarded and nothing depends on it (README, "Threads").
     */
    private static void warmUp(RowBlockTeam team) {
        // On every thread of the team at once: concurrent calls take different buffers from OpenBLAS's pool,
        // and the slow state is a buffer's (a helper's first products were slow after a warm-up on the caller
        // alone). The latch makes the calls overlap, so each takes a buffer of its own.
        CountDownLatch together = new CountDownLatch(team.threads());
        team.run(team.threads(), block -> {
            together.countDown();
            try {
                together.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int size = WARM_UP_SIZE * WARM_UP_SIZE;
            try (FloatPointer a = new FloatPointer(size); FloatPointer b = new FloatPointer(size);
                    FloatPointer c = new FloatPointer(size)) {
                a.zero();
                b.zero();
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasNoTrans, WARM_UP_SIZE, WARM_UP_SIZE, WARM_UP_SIZE, 1.0f, a,
                        WARM_UP_SIZE, b, WARM_UP_SIZE, 0.0f, c, WARM_UP_SIZE);
            }
        });
    }

    /**
     * The threads a product runs on, the caller included: {@value #THREADS_PROPERTY} when set, else
     * {@code OPENBLAS_NUM_THREADS}, else {@link Runtime#availableProcessors()} (which, unlike OpenBLAS, respects a
     * container's CPU quota). OpenBLAS itself is set to one thread: gradflow splits a large product into row
     * blocks and runs them on a {@link RowBlockTeam}, because two single-threaded OpenBLAS calls at once were
     * faster than one call on OpenBLAS's two threads (README, "Threads").
     *
     * <p>Why all cores by default: the engine alone on an idle machine gets the most from them. When the JVM
     * shares its cores with other busy processes (several services on one host) a helper that loses its core
     * stalls the product it is part of, and 1 thread gave the higher rate overall: set {@value #THREADS_PROPERTY}=1
     * there.
     */
    private static int configureThreads() {
        String property = System.getProperty(THREADS_PROPERTY);
        String environment = System.getenv("OPENBLAS_NUM_THREADS");
        int threads;
        if (property != null) {
            threads = (int) parse(THREADS_PROPERTY, property, 1);
        } else if (environment != null && environment.trim().matches("[1-9][0-9]{0,5}")) {
            threads = Integer.parseInt(environment.trim());
        } else {
            threads = Runtime.getRuntime().availableProcessors();
        }
        openblas_nolapack.blas_set_num_threads(1);
        return threads;
    }

    private static long parse(String property, String value, long minimum) {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be an integer, got '" + value + "'", e);
        }
        if (parsed < minimum || parsed > Integer.MAX_VALUE && property.equals(THREADS_PROPERTY)) {
            throw new IllegalArgumentException(property + " must be at least " + minimum + ", got " + value);
        }
        return parsed;
    }
}
