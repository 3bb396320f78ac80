#!/usr/bin/env bash
# Regenerates ../prometheusrule.yaml, the PrometheusRule that Kubernetes gets, from gradflow.rules.yaml, the single
# source of truth for gradflow's alerting rules: the resource's spec is that file's groups, indented. Run it after
# every change of the rules file. With --check it changes nothing and fails if the two differ (for a build to run).
#
#   deploy/base/monitoring/rules/sync-prometheusrule.sh           rewrite ../prometheusrule.yaml
#   deploy/base/monitoring/rules/sync-prometheusrule.sh --check   exit 1 (and show the difference) if it is stale
#
# Needs bash, awk and diff only.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
rules="$here/gradflow.rules.yaml"
target="$(dirname "$here")/prometheusrule.yaml"

render() {
  cat <<'HEADER'
# GENERATED from rules/gradflow.rules.yaml by rules/sync-prometheusrule.sh: do not edit. Change the rules file (the
# single source of truth, which the local Prometheus and the promtool tests use too), then run the script.
#
# A Prometheus run by the Prometheus Operator loads this only if its ruleSelector (and ruleNamespaceSelector)
# matches: kube-prometheus-stack, for one, selects release: <its release name> unless told otherwise
# (deploy/README.md, "Prerequisites").
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: gradflow
  labels:
    app.kubernetes.io/name: gradflow
    app.kubernetes.io/component: monitoring
spec:
HEADER
  # From the groups: line on (the file's header comments are its own), every line two spaces deeper; empty lines
  # stay empty, so block scalars keep their content.
  awk 'started || /^groups:/ { started = 1; if ($0 == "") print ""; else print "  " $0 }' "$rules"
}

case "${1:-}" in
  "")
    render >"$target"
    echo "wrote $target"
    ;;
  --check)
    if ! diff -u "$target" <(render); then
      echo "$target is not in step with $rules: run $0" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
