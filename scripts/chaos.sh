#!/usr/bin/env bash
# The long chaos test, on demand: a larger job and more SIGKILLs than the CI run. It builds what it needs, then
# prints the counts it checked, e.g.
#   chaos: 20000 batches written, 20000 answers read (read_committed), 0 duplicates, 0 missing, 20000 bit-identical; ...
#
#   scripts/chaos.sh [batches] [kills per service] [seed]      defaults: 20000 10 20261126
set -euo pipefail
cd "$(dirname "$0")/.."
BATCHES=${1:-20000}
KILLS=${2:-10}
SEED=${3:-20261126}
./mvnw -B -q install -DskipTests
./mvnw -B -pl pipeline-tests verify -Dit.test=ChaosIT -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgradflow.chaos.batches="$BATCHES" -Dgradflow.chaos.kills="$KILLS" -Dgradflow.chaos.seed="$SEED" \
  | grep -E "^chaos:|Tests run:|BUILD|ERROR"
