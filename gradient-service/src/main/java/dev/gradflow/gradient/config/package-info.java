/** Typed configuration of the gradient-service. */
package dev.gradflow.gradient.config;
