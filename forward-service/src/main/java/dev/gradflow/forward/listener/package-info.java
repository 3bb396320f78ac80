/** Kafka listeners: they move records between topics and the service classes, nothing more. */
package dev.gradflow.forward.listener;
