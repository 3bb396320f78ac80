/** The jobs benchmark: training and gradient jobs through the pipeline, next to the same work in process. */
package dev.gradflow.benchmarks.jobs;
