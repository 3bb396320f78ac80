/** Typed configuration of the forward-service. */
package dev.gradflow.forward.config;
