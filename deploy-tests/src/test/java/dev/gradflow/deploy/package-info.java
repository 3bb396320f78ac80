/**
 * Offline checks of the Kubernetes manifests under {@code deploy/}, run by {@code ./mvnw -B verify}.
 *
 * <p>Each overlay is rendered with {@code kubectl kustomize} ({@link dev.gradflow.deploy.Overlay}); every rendered
 * resource is validated against its schema, unknown fields included ({@link dev.gradflow.deploy.SchemaValidator});
 * {@link dev.gradflow.deploy.DeployChecks} compares the manifests with what the services read from their
 * {@code application.properties} ({@link dev.gradflow.deploy.ServiceConfig});
 * {@link dev.gradflow.deploy.KafkaSecurityChecks} compares the Kafka users, ACLs, listeners and credentials with
 * {@code ServiceAcls} of the kafka-broker module; and promtool checks and unit-tests the alerting rules. Nothing is
 * downloaded while the tests run: the Strimzi CRD generator and the npm validators come from the build's own
 * dependency resolution.
 *
 * <p>Every tool these checks need (kubectl, node, a JDK 21 or newer, promtool) is required: a missing one fails the
 * test with a message saying how to get it, never skips it.
 */
package dev.gradflow.deploy;
