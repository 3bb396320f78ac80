#!/usr/bin/env bash
# A new API key for a tenant of the gateway, and the line for the tenants file (README, "Security"):
#
#   scripts/new-api-key.sh
#   key:  X3f0…  (give it to the tenant; it is shown once and stored nowhere)
#   hash: sha256:9c1e…  (put it in the tenant's "keys" in the tenants file)
#
# The key is 32 random bytes from /dev/urandom (256 bits), base64url without padding: 43 characters that need no
# quoting in a header or a shell. The hash is the SHA-256 of the key exactly as typed, without a newline, which is
# what the gateway computes from the X-API-Key header.
set -euo pipefail
key=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
hash=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
printf 'key:  %s\nhash: sha256:%s\n' "$key" "$hash"
