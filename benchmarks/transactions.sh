#!/usr/bin/env bash
# Times the smallest exactly-once step (begin + send one record, add offsets, commit) against the bundled broker
# with different values of add.partitions.to.txn.retry.backoff.ms, one after the other in one run, and prints one
# markdown table. The broker retries a transaction's first write after this backoff when the producer's previous
# transaction is still being completed, which a busy service's next transaction always finds.
#
#   benchmarks/transactions.sh                          backoffs 20 (Kafka's default) and 2 (gradflow's), 500 each
#   benchmarks/transactions.sh --backoffs 20,5,2,1 --transactions 1000 --rounds 2
#
# As a busy service runs them (records sent and offsets added at once, so the producer's offsets meet the last
# commit's markers still being written), with the producer's retry.backoff.ms at Kafka's 100 and the services' 2:
#
#   benchmarks/transactions.sh --backoffs 2 --as-service --records 5 --record-bytes 8000 --retry-backoffs 100,2
#
# As an idle service runs them, one at a time with a pause after each (nothing meets a previous commit), with the
# broker's own medians for each request type that a transaction sends (Kafka's request logger, which costs the
# broker a little time itself):
#
#   benchmarks/transactions.sh --backoffs 2 --retry-backoffs 2 --as-service --pause-ms 5 --transactions 3000 \
#     --broker-requests
#
# Every server listens on 127.0.0.1 on a free port and is stopped at the end, also on Ctrl-C or failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

backoffs=20,2
transactions=500
rounds=1
retry_backoffs=100
records=1
record_bytes=100
wait_for_send=true
pause_ms=0
broker_requests=false
while (($#)); do
  case "$1" in
    --backoffs) backoffs="$2"; shift 2 ;;
    --transactions) transactions="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --retry-backoffs) retry_backoffs="$2"; shift 2 ;;
    --records) records="$2"; shift 2 ;;
    --record-bytes) record_bytes="$2"; shift 2 ;;
    --as-service) wait_for_send=false; shift ;;
    --pause-ms) pause_ms="$2"; shift 2 ;;
    --broker-requests) broker_requests=true; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see $0 --help)" >&2; exit 2 ;;
  esac
done

broker_jar=kafka-broker/target/gradflow-kafka-broker-0.1.0-SNAPSHOT.jar
bench_jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$broker_jar" || ! -f "$bench_jar" || -n "$(find kafka-broker/src/main benchmarks/src/main -newer "$bench_jar" -print -quit)" ]]; then
  echo "==> Building kafka-broker and benchmarks"
  ./mvnw -B -q package -DskipTests -pl kafka-broker,benchmarks -am
fi

source benchmarks/bundled-broker.sh

out="$here/target/transactions"
mkdir -p "$out"
rows=()
request_tables=()
broker_opts=()
if $broker_requests; then
  broker_opts=(-Dorg.slf4j.simpleLogger.log.kafka.request.logger=debug)
fi
for ((round = 1; round <= rounds; round++)); do
  for backoff in ${backoffs//,/ }; do
    port=$(free_port)
    log="$out/kafka-$backoff-$round.log"
    start_broker "$port" "$log" -Dgradflow.kafka.broker.add.partitions.to.txn.retry.backoff.ms="$backoff" \
      ${broker_opts[@]+"${broker_opts[@]}"}
    for retry in ${retry_backoffs//,/ }; do
      echo "==> broker backoff $backoff ms, producer retry.backoff.ms $retry, round $round"
      rows+=("$(java -cp "$bench_jar" dev.gradflow.benchmarks.transactions.TransactionTimes \
        --bootstrap "127.0.0.1:$port" --label "backoff $backoff ms, retry $retry ms (round $round)" \
        --transactions "$transactions" --records "$records" --record-bytes "$record_bytes" \
        --wait-for-send "$wait_for_send" --retry-backoff-ms "$retry" --pause-ms "$pause_ms" \
        2>>"$out/driver.log" | grep '^|')")
    done
    stop_broker
    if $broker_requests; then
      request_tables+=("" "The broker's medians, ms, backoff $backoff ms, round $round (last $transactions of each type):" ""
        "$(java -cp "$bench_jar" dev.gradflow.benchmarks.transactions.BrokerRequestTimes --log "$log" \
          --last "$transactions" --min-count "$transactions")")
    fi
  done
done

echo
if $wait_for_send; then sending="each acknowledged before the offsets are added"; else sending="offsets added at once, as a service does"; fi
if ((pause_ms > 0)); then spacing="$pause_ms ms apart"; else spacing="back to back"; fi
echo "Kafka transactions on the bundled broker, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ): $records record(s) of"
echo "$record_bytes bytes each, $sending, committed, $spacing after 100 warm-up transactions."
echo
java -cp "$bench_jar" dev.gradflow.benchmarks.transactions.TransactionTimes --header
printf '%s\n' "${rows[@]}"
printf '%s\n' ${request_tables[@]+"${request_tables[@]}"}
