/** Typed configuration of the gateway. */
package dev.gradflow.gateway.config;
