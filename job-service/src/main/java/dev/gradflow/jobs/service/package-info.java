/** What the job-service does with each record of topic {@code jobs}, and the records it publishes. */
package dev.gradflow.jobs.service;
