package dev.gradflow.core.kernels;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Chooses the process-wide {@link Gemm}, once, and logs the choice in one line.
 *
 * <p>The system property {@value #PROPERTY} picks it:
 * <ul>
 *   <li>{@code auto} (the default): the OpenBLAS bundled with the build ({@link OpenBlasGemm}); where it does not
 *       load, netlib-blas bound to the system's native BLAS when that is a tuned one (OpenBLAS, MKL, BLIS, ...;
 *       not the reference BLAS, which is slower than the Java one); otherwise netlib-blas's pure-Java BLAS;</li>
 *   <li>{@code openblas}: the bundled OpenBLAS, else netlib's pure-Java BLAS;</li>
 *   <li>{@code native}: netlib-blas bound to whatever system BLAS loads, else its pure-Java BLAS;</li>
 *   <li>{@code java}: netlib-blas's pure-Java BLAS, even when a native BLAS is available;</li>
 *   <li>{@code loops}: gradflow's original loops ({@link LoopGemm}).</li>
 * </ul>
 * Whatever cannot be loaded (no bundled library for this platform, an {@link UnsatisfiedLinkError}, a missing
 * jar) falls back to the next in its list, ending with the loops, so a missing native library never stops the
 * engine; the log line gives each reason. {@code openblas}, {@code native} and {@code java} log it as a warning,
 * {@code auto} as information.
 */
public final class Gemms {
    /**
     * The system property that picks the implementation: {@code auto}, {@code openblas}, {@code native},
     * {@code java}, {@code loops}.
     */
    public static final String PROPERTY = "gradflow.gemm";

    private static final System.Logger LOG = System.getLogger(Gemms.class.getName());

    /** {@link #active()} once chosen, else null: lets {@link ParallelRanges} use its threads without loading it. */
    private static volatile Gemm chosen;

    private Gemms() {
    }

    /** The implementation chosen for this process by {@value #PROPERTY}; chosen and logged on first use. */
    public static Gemm active() {
        return Active.GEMM;
    }

    /**
     * {@link #active()} if something already chose it, else null; never loads a library. A process that only
     * validates tensors (the gateway) never chooses one.
     */
    static Gemm activeIfChosen() {
        return chosen;
    }

    /**
     * What {@link #active()} is, for a service's metric tag and info endpoint; chooses and logs it on first use.
     */
    public static GemmDescription activeDescription() {
        return Active.GEMM.description();
    }

    /**
     * The first implementation that loads, for a value of {@value #PROPERTY}. Logs nothing; see
     * {@link #active()} for the process-wide one.
     *
     * @throws IllegalArgumentException for a value other than auto, openblas, native, java or loops
     */
    public static Gemm select(String choice) {
        return resolve(choice).gemm();
    }

    private record Resolution(Gemm gemm, List<String> failures) {
    }

    private static Resolution resolve(String choice) {
        List<Supplier<Gemm>> candidates = switch (choice.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> List.of(OpenBlasGemm::load, Gemms::optimisedNativeBlas, NetlibGemm::javaBlas,
                    () -> LoopGemm.INSTANCE);
            case "openblas" -> List.of(OpenBlasGemm::load, NetlibGemm::javaBlas, () -> LoopGemm.INSTANCE);
            case "native" -> List.of(NetlibGemm::nativeBlas, NetlibGemm::javaBlas, () -> LoopGemm.INSTANCE);
            case "java" -> List.of(NetlibGemm::javaBlas, () -> LoopGemm.INSTANCE);
            case "loops" -> List.of(() -> LoopGemm.INSTANCE);
            default -> throw new IllegalArgumentException("unknown " + PROPERTY + " '" + choice
                    + "', expected auto, openblas, native, java or loops");
        };
        List<String> failures = new ArrayList<>();
        for (Supplier<Gemm> candidate : candidates) {
            try {
                return new Resolution(candidate.get(), failures);
            } catch (RuntimeException | LinkageError e) {
                // LinkageError too: a missing or broken jar surfaces as NoClassDefFoundError, a native library
                // that does not load as UnsatisfiedLinkError or ExceptionInInitializerError.
                failures.add(e.toString());
            }
        }
        throw new IllegalStateException("unreachable: the loops always load");
    }

    /**
     * The native BLAS, unless it is recognisably untuned: the reference BLAS that some distributions install as
     * {@code libblas.so.3} is slower than netlib's Java BLAS. A library that cannot be identified is trusted.
     */
    private static Gemm optimisedNativeBlas() {
        NetlibGemm gemm = NetlibGemm.nativeBlas();
        List<String> libraries = gemm.nativeLibraries();
        if (!libraries.isEmpty() && !NativeLibraries.anyOptimised(libraries)) {
            throw new IllegalStateException(String.join(", ", libraries) + " is not a BLAS known to be tuned "
                    + "(OpenBLAS, MKL, BLIS, ...), so the Java BLAS is likely faster; " + PROPERTY
                    + "=native uses it anyway");
        }
        return gemm;
    }

    private static final class Active {
        static final Gemm GEMM = choose();

        static {
            chosen = GEMM;
        }

        private static Gemm choose() {
            String choice = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
            Resolution resolution;
            try {
                resolution = resolve(choice);
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, e.getMessage() + "; using auto");
                choice = "auto";
                resolution = resolve(choice);
            }
            String line = "dense products (" + PROPERTY + "=" + choice + "): " + resolution.gemm().name();
            if (resolution.failures().isEmpty()) {
                LOG.log(Level.INFO, line);
            } else if (choice.equals("auto")) {
                LOG.log(Level.INFO, line + "; not available: " + String.join("; ", resolution.failures()));
            } else {
                LOG.log(Level.WARNING, line + ", a fallback; not available: "
                        + String.join("; ", resolution.failures()));
            }
            return resolution.gemm();
        }
    }
}
