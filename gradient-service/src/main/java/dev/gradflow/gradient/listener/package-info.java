/** The Kafka processor that moves tapes in and gradients out. */
package dev.gradflow.gradient.listener;
