#!/usr/bin/env bash
# Runs gradflow's JMH benchmarks on demand (the build never runs them) and prints samples/s and GFLOP/s.
#
#   benchmarks/run.sh                                     # forward + backward of every network and dtype
#   benchmarks/run.sh -p gemm=auto,java,loops             # the same on each gemm implementation
#   benchmarks/run.sh -p network=784-256-128-10/256 -p dtype=float32
#   benchmarks/run.sh GemmBenchmark -p impl=netlib-native,netlib-java -p dtype=float64   # raw products
#   benchmarks/run.sh --pytorch                           # the same, plus PyTorch (CPU, via DJL) side by side
#   benchmarks/run.sh -h                                  # every JMH option
#
# --pytorch builds with the Maven profile pytorch, which adds DJL's PyTorch engine (PyTorch 2.7.1
# from Maven Central, run offline) and PyTorchBenchmark, into target/pytorch/. One JMH run then times gradflow's
# engine and PyTorch on the same networks and batches, and the table gains a PyTorch column and the ratio
# gradflow / PyTorch. PyTorch uses one intra-op thread per core; -jvmArgsAppend -Dai.djl.pytorch.num_threads=N
# chooses another count.
#
# Arguments are JMH's and override the defaults (1 fork, 8 warmup iterations of 4 s, 5 measurement iterations
# of 3 s; the JIT compiles the engine's per-batch methods for about half a minute). Builds target/benchmarks.jar when it is missing or older than the sources. JMH's output, its JSON
# results and the table go to benchmarks/target/results/<time>/.
#
# Environment: JAVA (default: java on the PATH), JAVA_OPTS (options of the JVM that runs JMH, e.g.
# -Djmh.ignoreLock=true), GRADFLOW_REBUILD=1 to rebuild the jar regardless.
# Native BLAS: see dev.gradflow.core.kernels (on Debian/Ubuntu: apt-get install libopenblas0-pthread).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
java="${JAVA:-java}"

profile=()
target="$here/target"
jmh_args=()
for arg in "$@"; do
  if [[ "$arg" == --pytorch ]]; then
    profile=(-Ppytorch)
    target="$here/target/pytorch" # the profile builds here, so the plain jar never holds DJL classes
  else
    jmh_args+=("$arg")
  fi
done
set -- ${jmh_args[@]+"${jmh_args[@]}"}
jar="$target/benchmarks.jar"
# The profile leaves the native PyTorch library (pytorch-native-cpu, ~110 MB) out of the jar, in target/pytorch/lib.
classpath="$jar"
if ((${#profile[@]})); then
  classpath="$jar:$target/lib/*"
fi

stale() {
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$root/pom.xml" "$root/core/pom.xml" "$root/core/src/main" "$here/pom.xml" "$here/src" \
      -newer "$jar" -print -quit)" ]]
}
if [[ "${GRADFLOW_REBUILD:-0}" == 1 ]] || stale; then
  echo "Building $jar ..."
  (cd "$root" && ./mvnw -B -q "${profile[@]}" package -DskipTests -pl benchmarks -am)
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
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  "$java" ${JAVA_OPTS:-} -Dgradflow.bench.table="$results/table.md" -cp "$classpath" dev.gradflow.benchmarks.Run \
    "${result_args[@]}" "$@"
} 2>&1 | tee "$results/output.txt"
echo "Saved to $results/"
