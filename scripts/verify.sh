#!/usr/bin/env bash
# The README's test command: installs what the tests need from Debian's packages when it is missing, then builds
# the project and runs every test tier (./mvnw -B verify). Extra arguments go to Maven, e.g.
#
#   scripts/verify.sh                          everything
#   scripts/verify.sh -pl deploy-tests -am     one module, and the modules it builds on
#
# Needs, besides a JDK 17: Debian's prometheus package (a real Prometheus and promtool, for the alert-rule tests
# and the live dashboard check), kubectl (for the kustomize rendering check), and Node.js with npm (for the
# Kubernetes schema validation). Run as root (as CI does), it installs prometheus with apt-get when missing; run as
# another user, it says what to install and stops. Debian's chromium and chromium-driver (the page's browser test,
# GraphPageIT) are installed the same way when missing, but are not required: where they cannot be installed, that
# test is skipped and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
browser=()
[[ -x /usr/bin/chromium ]] || browser+=(chromium)
[[ -x /usr/bin/chromedriver ]] || browser+=(chromium-driver)
if ((${#missing[@]} + ${#browser[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || echo "apt-get update failed; trying the package lists at hand" >&2
    if ((${#missing[@]})); then
      echo "==> Installing ${missing[*]} from Debian's packages"
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    if ((${#browser[@]})); then
      echo "==> Installing ${browser[*]} from Debian's packages (for the page's browser test)"
      apt-get install -y -qq --no-install-recommends "${browser[@]}" >/dev/null \
        || echo "warning: could not install ${browser[*]}; the page's browser test (GraphPageIT) will be skipped" >&2
    fi
  elif ((${#missing[@]})); then
    echo "missing: ${missing[*]}; install with: sudo apt-get install -y ${missing[*]} (then run this again)" >&2
    exit 1
  else
    echo "warning: ${browser[*]} missing; the page's browser test (GraphPageIT) will be skipped (install with:" \
      "sudo apt-get install -y ${browser[*]})" >&2
  fi
fi
for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || echo "warning: $tool is not on the PATH; the deploy-tests module will fail and say how to get it" >&2
done

exec ./mvnw -B verify "$@"
