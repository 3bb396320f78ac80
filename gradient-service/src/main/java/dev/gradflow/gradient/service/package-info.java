/** The gradient-service's logic in a plain class: tape record in, gradient record out. */
package dev.gradflow.gradient.service;
