#!/bin/sh
# Creates AgentCraft's Temporal namespace if it does not exist (idempotent). Runs in temporalio/admin-tools
# with TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_NAMESPACE_RETENTION set. The search attributes are
# registered next, by temporal-config/register-main.ts (the temporal-register service / Job).
set -eu

namespace="${TEMPORAL_NAMESPACE:-agentcraft}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-30d}"

attempt=0
until temporal operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "Temporal at $TEMPORAL_ADDRESS is not serving after 120 s" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  temporal operator namespace create --namespace "$namespace" --retention "$retention" \
    --description "AgentCraft conversations and turns"
  echo "namespace $namespace created (retention $retention)"
fi
# A new namespace takes a moment to reach every frontend's cache: wait until it answers.
until temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; do sleep 1; done
