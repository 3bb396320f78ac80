/**
 * Training data and initial parameters that reproduce the "Neural Networks from Scratch" book bit for bit.
 *
 * <p>The book's scripts call {@code nnfs.init()} and then draw everything from NumPy's global legacy generator, in
 * the order they run: the data set first, then each {@code Layer_Dense}'s weights. This package provides that
 * generator ({@link dev.gradflow.core.data.LegacyRandom}, MT19937 seeded as {@code np.random.seed} seeds it, with
 * the legacy polar-method normals), the package's data sets ({@link dev.gradflow.core.data.NnfsDatasets}:
 * {@code spiral_data}, {@code vertical_data}, {@code sine_data}) and the layer initialisation
 * ({@link dev.gradflow.core.data.NnfsInitializer}), each with the float32 roundings that {@code nnfs.init()}
 * imposes. Drawing from one {@code LegacyRandom} in the script's order gives the script's numbers.
 *
 * <p>A generator's position is a small immutable value ({@link dev.gradflow.core.data.LegacyRandom.State}), so a
 * training job can store it and resume after a crash with the same draws it would have made.
 *
 * <p>Uploaded data sets are read here too, as pure functions from bytes to tensors: NumPy {@code .npy} files
 * ({@link dev.gradflow.core.data.NpyFormat}, which also writes them) and CSV files of numbers
 * ({@link dev.gradflow.core.data.CsvDataset}). Both treat the bytes as hostile, check sizes before allocating and
 * reject a bad file with a {@link dev.gradflow.core.data.DatasetFormatException} that says what is wrong and where.
 */
package dev.gradflow.core.data;
