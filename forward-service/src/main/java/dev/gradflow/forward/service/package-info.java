/** The forward-service's logic, in plain classes: the network registry and the batch runner. */
package dev.gradflow.forward.service;
