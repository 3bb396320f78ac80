#!/usr/bin/env bash
# Runs gradflow's JMH benchmarks on demand (the build never runs them) and prints samples/s and GFLOP/s.
#
#   benchmarks/run.sh                                     # forward + backward of every network and dtype
#   benchmarks/run.sh -p gemm=auto,java,loops             # the same on each gemm implementation
#   benchmarks/run.sh -p network=784-256-128-10/256 -p dtype=float32
#   benchmarks/run.sh GemmBenchmark -p impl=netlib-native,netlib-java -p dtype=float64   # raw products
#   benchmarks/run.sh -h                                  # every JMH option
#
# Arguments are JMH's and override the defaults (1 fork, 3 warmup iterations of 2 s, 5 measurement iterations
# of 3 s). Builds target/benchmarks.jar when it is missing or older than the sources. JMH's output, its JSON
# results and the table go to benchmarks/target/results/<time>/.
#
# Environment: JAVA (default: java on the PATH), GRADFLOW_REBUILD=1 to rebuild the jar regardless.
# Native BLAS: see dev.gradflow.core.kernels (on Debian/Ubuntu: apt-get install libopenblas0-pthread).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

stale() {
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$root/pom.xml" "$root/core/pom.xml" "$root/core/src/main" "$here/pom.xml" "$here/src" \
      -newer "$jar" -print -quit)" ]]
}
if [[ "${GRADFLOW_REBUILD:-0}" == 1 ]] || stale; then
  echo "Building $jar ..."
  (cd "$root" && ./mvnw -B -q package -DskipTests -pl benchmarks -am)
fi

results="$here/target/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"

# JMH rejects an option given twice, so add the result file only when the caller did not choose one.
result_args=(-rf json -rff "$results/jmh.json")
for arg in "$@"; do
  if [[ "$arg" == -rf || "$arg" == -rff ]]; then
    result_args=()
  fi
done

{
  echo "# $(nproc) cores; $("$java" -version 2>&1 | head -n 1); OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
  "$java" -Dgradflow.bench.table="$results/table.md" -cp "$jar" dev.gradflow.benchmarks.Run \
    "${result_args[@]}" "$@"
} 2>&1 | tee "$results/output.txt"
echo "Saved to $results/"
