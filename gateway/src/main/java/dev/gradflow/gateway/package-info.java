/**
 * The gateway: the REST entry point of gradflow. It checks definitions and batches with the core before anything
 * reaches Kafka, publishes them to {@code network-definitions} and {@code batches}, and serves each batch's result
 * as it arrives on {@code gradients}.
 */
package dev.gradflow.gateway;
