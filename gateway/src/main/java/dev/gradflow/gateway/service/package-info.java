/** The gateway's logic in plain classes: the catalog of networks, the result store, and publishing to Kafka. */
package dev.gradflow.gateway.service;
