/**
 * End-to-end tests of the whole pipeline: gateway → Kafka → forward-service → Kafka → gradient-service → Kafka →
 * gateway, with the three packaged services running as separate processes against one real Kafka broker, and
 * every answer checked against an independent reference.
 */
package dev.gradflow.pipeline;
