/** Kafka listeners that keep the catalog and the result store current. */
package dev.gradflow.gateway.listener;
