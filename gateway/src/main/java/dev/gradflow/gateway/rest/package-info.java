/** REST resources, their JSON shapes, and the mapping of every rejection to a 4xx naming the field. */
package dev.gradflow.gateway.rest;
