# shellcheck shell=bash
# Sourced by run-pipeline.sh and benchmarks/pipeline.sh.
#
# export_kafka_credentials <file>: a service's Kafka client properties (key=value lines, as the secure bundled
# broker writes them) as environment variables, the way a deployment gives them from a Secret: sasl.jaas.config
# becomes KAFKA_SASL_JAAS_CONFIG, which Quarkus reads as kafka.sasl.jaas.config. Call it in the service's own
# subshell, so that the password is on no command line and in no other process's environment.
export_kafka_credentials() {
  local key value
  while IFS='=' read -r key value; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    key=${key^^}
    export "KAFKA_${key//[.-]/_}=$value"
  done <"$1"
}
