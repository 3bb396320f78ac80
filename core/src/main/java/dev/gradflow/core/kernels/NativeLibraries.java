package dev.gradflow.core.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** What the dynamic linker actually mapped, so that logs name the BLAS in use rather than the one asked for. */
final class NativeLibraries {
    private static final Path MAPS = Path.of("/proc/self/maps");

    /**
     * Marks in the file name of a BLAS tuned for the CPU. The reference BLAS (Debian's {@code libblas3}, mapped as
     * {@code blas/libblas.so.3.11.0}) has none: it ran at 4 to 8 GFLOP/s here, slower than netlib's Java BLAS.
     */
    private static final List<String> OPTIMISED = List.of("openblas", "mkl", "blis", "armpl", "nvpl");

    private NativeLibraries() {
    }

    /**
     * Where JavaCPP extracts bytedeco's libraries: {@code <cache>/openblas-<version>-<platform>.jar/org/bytedeco/...}.
     * Those are {@link OpenBlasGemm}'s, never netlib's.
     */
    private static final String BYTEDECO = "/org/bytedeco/";

    /**
     * The files of the system BLAS mapped into this process, such as
     * {@code /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so}, in address order; empty when
     * that cannot be told (not Linux) or nothing is mapped. netlib's own JNI shim is not one of them, nor the
     * OpenBLAS bundled with gradflow ({@link #bundledOpenBlasInUse()}).
     */
    static List<String> blasLibrariesInUse() {
        return mappedFiles().stream()
                .filter(file -> (file.toLowerCase(Locale.ROOT).contains("blas") || isOptimised(file))
                        && !file.contains("netlibblasjni") && !file.contains(BYTEDECO))
                .toList();
    }

    /**
     * The bundled OpenBLAS library file that JavaCPP extracted and loaded (not its JNI glue), e.g.
     * {@code ~/.javacpp/cache/openblas-0.3.31-1.5.13-linux-x86_64.jar/org/bytedeco/openblas/linux-x86_64/libopenblas_nolapack.so.0};
     * empty when not loaded or when that cannot be told.
     */
    static List<String> bundledOpenBlasInUse() {
        return mappedFiles().stream()
                .filter(file -> file.contains(BYTEDECO) && file.contains("/libopenblas"))
                .toList();
    }

    private static List<String> mappedFiles() {
        if (!Files.isReadable(MAPS)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(MAPS)) {
            return lines.map(NativeLibraries::mappedFile).filter(file -> !file.isEmpty()).distinct().toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Whether one of {@code files} is a BLAS known to be tuned for the CPU (OpenBLAS, MKL, BLIS, ...). */
    static boolean anyOptimised(List<String> files) {
        return files.stream().anyMatch(NativeLibraries::isOptimised);
    }

    private static boolean isOptimised(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        return OPTIMISED.stream().anyMatch(lower::contains);
    }

    /** The path column of a {@code /proc/self/maps} line, or "" for an anonymous mapping. */
    private static String mappedFile(String line) {
        int slash = line.indexOf('/');
        return slash < 0 ? "" : line.substring(slash).trim();
    }
}
