/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) that runs inside
 * the calling JVM.
 *
 * <p>The pipeline is tested against the same broker code it runs on, not a mock and not a container:
 * this machine has no Docker, and the services exchange records of tens of megabytes, which only a
 * real broker with raised size limits exercises faithfully. The same classes back the Quarkus test
 * resource ({@link dev.gradflow.kafka.broker.KafkaBrokerTestResource}) and the separate broker JVM
 * of the local run script ({@link dev.gradflow.kafka.broker.KafkaBrokerMain}), so tests and local
 * runs use one broker configuration.
 *
 * <p>The broker can also run secure ({@link dev.gradflow.kafka.broker.EmbeddedKafkaBroker.Builder#secure()}): TLS
 * with a certificate authority made at start ({@link dev.gradflow.kafka.broker.TlsMaterial}), SASL/SCRAM-SHA-512
 * users ({@link dev.gradflow.kafka.broker.ScramUser}) and KRaft's authorizer, with one principal per service and
 * exactly its ACLs ({@link dev.gradflow.kafka.broker.ServiceAcls}).
 */
package dev.gradflow.kafka.broker;
