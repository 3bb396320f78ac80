/** Typed configuration of the job-service. */
package dev.gradflow.jobs.config;
