/**
 * Training steps: the optimizers of "Neural Networks from Scratch in Python" (Kinsley &amp; Kukieła, chapter 10)
 * as pure functions over tensors, with their state made explicit so that it can be persisted and resumed.
 *
 * <p>An {@link dev.gradflow.core.train.Optimizer} is one of {@link dev.gradflow.core.train.Sgd},
 * {@link dev.gradflow.core.train.Adagrad}, {@link dev.gradflow.core.train.RmsProp} and
 * {@link dev.gradflow.core.train.Adam}: a record of the book's hyperparameters and its update formula, nothing else.
 * {@link dev.gradflow.core.train.Optimizer#step} is the book's {@code pre_update_params}, one
 * {@code update_params} per parameter and {@code post_update_params}, as a function
 * {@code (parameters, gradients, state) → (new parameters, new state)}: it never writes into its inputs, so a
 * training job can run one step per Kafka transaction, persist the {@link dev.gradflow.core.train.OptimizerState}
 * with {@link dev.gradflow.core.train.OptimizerCodec}, and after a crash resume from the last committed state with
 * bit-identical parameters.
 *
 * <p>The formulas were checked against the book's own code for chapter 10,
 * <a href="https://github.com/Sentdex/nnfs_book/blob/main/Chapter_10/Ch10_Final.py">Sentdex/nnfs_book
 * {@code Chapter_10/Ch10_Final.py}</a>; each optimizer's Javadoc quotes its lines. In float64 every element is
 * computed in the book's order of operations (NumPy evaluates {@code -lr * dW / (sqrt(c) + eps)} left to right,
 * and Java never fuses a multiply and an add), so a step gives what the book's NumPy code gives.
 *
 * <p><b>float32.</b> A float32 parameter keeps float32 slots (momentums, caches). A step widens the stored
 * parameter, slots and gradient exactly to float64, evaluates the book's formula in float64, and rounds exactly
 * three kinds of values once to float32, because they are stored: the new parameter, the new momentums and the new
 * cache. Everything in between (dW², the bias-corrected m̂ and ĉ, the update itself) is float64 and never
 * rounded; within a step the parameter update reads the new slots before they are rounded. Hyperparameters and
 * the current learning rate are float64. So a step depends only on its inputs, never on thread count or order.
 *
 * <p>Optimizers come from JSON-like trees through {@link dev.gradflow.core.train.OptimizerParser}, with the option
 * names {@code learningRate}, {@code decay}, {@code momentum}, {@code rho}, {@code epsilon}, {@code beta1} and
 * {@code beta2} (the book's {@code learning_rate}, {@code decay}, {@code momentum}, {@code rho}, {@code epsilon},
 * {@code beta_1} and {@code beta_2}).
 *
 * <p><b>Training in process.</b> {@link dev.gradflow.core.train.TrainingLoop} is the reference a training job run
 * through Kafka must match bit for bit in float64: a {@link dev.gradflow.core.train.TrainingPlan} (batch size,
 * epochs, shuffle and its seed, gradient accumulation), the batches of each epoch from
 * {@link dev.gradflow.core.train.BatchSchedule} (a pure function of plan, data set size, epoch and batch number),
 * the gradients of a step's micro-batches combined by {@link dev.gradflow.core.train.GradientMean} (a row-weighted
 * mean in float64, in batch order), and {@link dev.gradflow.core.train.OptimizerStep} to update. The gradient of the
 * mean loss over a whole data set, computed in batches, is {@link dev.gradflow.core.train.FullGradient}.
 */
package dev.gradflow.core.train;
