/**
 * Tenants: who a request's API key belongs to ({@link dev.gradflow.gateway.tenant.TenantDirectory}, read from the
 * tenants file and re-read when it changes), what that tenant may see ({@link dev.gradflow.gateway.tenant.Caller}),
 * and how much it may ask at once ({@link dev.gradflow.gateway.tenant.TenantLimiter}). Keys exist here only as
 * SHA-256 hashes ({@link dev.gradflow.gateway.tenant.KeyHashes}) and are never logged.
 */
package dev.gradflow.gateway.tenant;
