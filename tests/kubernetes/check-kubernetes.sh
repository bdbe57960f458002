#!/usr/bin/env bash
# make test-k8s: deploy/kubernetes proven without a cluster. Each overlay
# (dev, prod) is rendered by kubectl kustomize, offline; every object it
# renders is validated against the Kubernetes API's schemas
# (validate.js, with the npm package kubernetes-models, installed by npm ci
# from package-lock.json); then invariants.js checks what the schemas
# cannot: Services and probes name declared ports, references resolve,
# images are the Dockerfile's targets, every container is hardened, the
# grace period covers the stop, the collectors' tiers meet. Prints a line
# per failed check and "N passed, M failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/kubernetes
source "$TOP/tests/support/assert.sh"
WORK=$(mktemp -d /tmp/k8s-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

kustomize_version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')
if [ "${kustomize_version:-0}" -lt 5 ]; then
  echo "kubectl with kustomize v5 or later is needed (kubectl version --client: ${kustomize_version:-none})" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1) ||
  { cat "$WORK/npm.log" >&2; echo "0 passed, 1 failed"; exit 1; }

# node_checks NAME SCRIPT ARGS...: one check per PASS or FAIL line the script prints.
node_checks() {
  local prefix=$1 line
  shift
  while IFS= read -r line; do
    case $line in
      "PASS "*) check "$prefix ${line#PASS }" true ;;
      "FAIL "*) check "$prefix ${line#FAIL }" false ;;
    esac
  done < <(cd "$HERE" && node "$@")
}

# The facts the invariants need from the repository.
targets=$(sed -nE 's/^FROM .* AS ([a-z-]+)$/\1/p' "$TOP/Dockerfile" | jq -Rn '[inputs]')
images=$(yq -c '[.services[].image // empty]' "$TOP/compose.yml")
flush_ms=$(sed -nE 's/^#define TELEMETRY_FLUSH_MS ([0-9]+).*/\1/p' "$TOP/service/service.c")
# docs/kubernetes.md's "kubectl create secret generic NAME --from-literal=KEY=..." commands.
user_secrets=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$TOP/docs/kubernetes.md" |
  grep -oE 'create secret generic [a-z0-9-]+ .*' |
  jq -Rn '[inputs | capture("generic (?<name>[a-z0-9-]+)(?<rest>.*)")
    | {(.name): [.rest | scan("--from-literal=([A-Z_]+)") | .[0]]}] | add // {}')
jq -n --argjson t "$targets" --argjson i "$images" --argjson f "${flush_ms:-0}" --argjson s "$user_secrets" \
  '{targets: $t, third_party_images: $i, flush_ms: $f, user_secrets: $s}' >"$WORK/facts.json"
check facts_found jq -e '.targets == ["build","runtime","notify","articles","receiver"] and .flush_ms > 0
  and (.third_party_images | length) == 2 and (.user_secrets | length) == 3' "$WORK/facts.json" >/dev/null

for overlay in dev prod; do
  out=$WORK/$overlay
  check "${overlay}_renders" eval 'kubectl kustomize "$TOP/deploy/kubernetes/overlays/$overlay" >"$out.yaml"'
  yq -s . "$out.yaml" >"$out.json" || continue
  # Each collector configuration, from its ConfigMap, parsed.
  jq -c '.[] | select(.kind == "ConfigMap") | .metadata.name as $n
    | (.data // {}) | to_entries[] | select(.key | endswith(".yaml")) | {key: "\($n)/\(.key)", value}' "$out.json" |
    while IFS= read -r entry; do
      jq -c --arg k "$(jq -r .key <<<"$entry")" --argjson v "$(jq -r .value <<<"$entry" | yq -c .)" '{($k): $v}' -n
    done | jq -s 'add // {}' >"$out.configs.json"
  echo "$overlay: $(jq length "$out.json") objects: $(jq -r 'group_by(.kind) | map("\(length) \(.[0].kind)") | join(", ")' "$out.json")"
  node_checks "$overlay schema" validate.js "$out.json"
  node_checks "$overlay" invariants.js "$out.json" "$out.configs.json" "$WORK/facts.json"
done

# The checks can fail: a broken object is refused by the schemas, and a
# broken reference by the invariants.
jq '(.[] | select(.kind == "Deployment") | .spec.replicas) = "two"' "$WORK/prod.json" >"$WORK/broken.json"
check schemas_refuse_a_broken_object eval '! (cd "$HERE" && node validate.js "$WORK/broken.json" >/dev/null)'
jq '(.[] | select(.kind == "Service" and .metadata.name == "notify") | .spec.ports[0].targetPort) = "nope"' \
  "$WORK/prod.json" >"$WORK/broken.json"
check invariants_refuse_a_broken_reference eval \
  '! (cd "$HERE" && node invariants.js "$WORK/broken.json" "$WORK/prod.configs.json" "$WORK/facts.json" >/dev/null)'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
