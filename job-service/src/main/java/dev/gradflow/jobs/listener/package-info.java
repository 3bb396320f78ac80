/** The job-service's Kafka side: the exactly-once loop with its state restore, and its health checks. */
package dev.gradflow.jobs.listener;
