/**
 * Jobs ({@code POST /jobs}, issue 9): what a client asks for, checked before anything starts.
 *
 * <p>Checking happens in two stages so that a REST layer can resolve references in between.
 * {@link dev.gradflow.core.job.JobDefinitionParser} reads the request's JSON tree alone (syntax, types, ranges,
 * options that belong to the other mode) into an immutable {@link dev.gradflow.core.job.JobDefinition}; the
 * network and the dataset may still be references (a registered network's id, an uploaded dataset's id). Once the
 * caller holds the compiled network, {@link dev.gradflow.core.job.JobFit} checks the job against it and against
 * the materialised dataset ({@link dev.gradflow.core.job.JobDatasets}). Every error of either stage is a
 * {@link dev.gradflow.core.graph.DefinitionException} whose field is a path into the request body, such as
 * {@code dataset.samples} or {@code optimizer.beta1}, so a bad job is a 400 and nothing is left half-started.
 */
package dev.gradflow.core.job;
