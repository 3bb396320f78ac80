#!/usr/bin/env bash
# The README's test command: installs what the tests need from Debian's packages when it is missing, then builds
# the project and runs every test tier (./mvnw -B verify). Extra arguments go to Maven, e.g.
#
#   scripts/verify.sh                          everything
#   scripts/verify.sh -pl deploy-tests         one module
#
# Needs, besides a JDK 17: Debian's prometheus package (a real Prometheus and promtool, for the alert-rule tests
# and the live dashboard check), kubectl (for the kustomize rendering check), and Node.js with npm (for the
# Kubernetes schema validation). Run as root (as CI does), it installs prometheus with apt-get when missing; run as
# another user, it says what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "==> Installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || echo "apt-get update failed; trying the package lists at hand" >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]}; install with: sudo apt-get install -y ${missing[*]} (then run this again)" >&2
    exit 1
  fi
fi
for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || echo "warning: $tool is not on the PATH; the deploy-tests module will fail and say how to get it" >&2
done

exec ./mvnw -B verify "$@"
