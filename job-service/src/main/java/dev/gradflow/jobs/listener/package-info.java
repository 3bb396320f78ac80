/** The job-service's Kafka side: the jobs stream's lifecycle and its health checks. */
package dev.gradflow.jobs.listener;
