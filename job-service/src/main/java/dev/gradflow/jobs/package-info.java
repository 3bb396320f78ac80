/**
 * The job-service: runs gradient and training jobs through the pipeline. It reads topic {@code jobs} (submissions,
 * cancellations and the answers of the jobs' batches), sends each job's batches to {@code batches}, takes the
 * optimizer steps, and commits each job's state to {@code job-state} and its progress to {@code job-progress} in the
 * same Kafka transaction as the offsets of what it read.
 */
package dev.gradflow.jobs;
