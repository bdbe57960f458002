#!/usr/bin/env bash
# What Docker would run, checked without Docker: compose.yml, the Dockerfile,
# .env.example and the collector's configuration parse, and everything they
# name exists: services, build stages, images, ports, files, volumes,
# variables, and every receiver, processor and exporter of each pipeline,
# with and without the backend overlay. Then the Dockerfile's build step, run
# on a copy of the tree, leaves the binaries its final stages copy.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/tests/support/assert.sh"
cd "$TOP" || exit 1
WORK=$(mktemp -d /tmp/config-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# q FILE FILTER: a jq filter over a YAML file, compact output.
q() { yq -c "$2" "$1"; }
has() { [ "$1" = true ]; }
parses() { yq . "$1" >/dev/null; }

# --- compose.yml ---
check compose_parses parses compose.yml
check compose_services eq "$(q compose.yml '.services | keys')" '["articles","notify","otel-collector","postgres"]'

stages=$(sed -nE 's/^FROM .* AS ([a-z-]+)$/\1/p' Dockerfile | sort | paste -sd,)
for svc in articles notify; do
  check "${svc}_built_from_its_stage" eq "$(q compose.yml ".services.$svc.build | [.context, .target]")" "[\".\",\"$svc\"]"
  check "${svc}_stage_exists" grep -qx "$svc" <<<"${stages//,/$'\n'}"
done
check postgres_image eq "$(q compose.yml '.services.postgres.image')" '"docker.io/library/postgres:15-bookworm"'
check postgres_healthcheck has "$(q compose.yml '.services.postgres.healthcheck.test | length > 0')"
check postgres_named_volume eq "$(q compose.yml '[.services.postgres.volumes[] | split(":")[0]] - (.volumes | keys)')" '[]'
check collector_image_pinned has "$(q compose.yml '.services["otel-collector"].image
  | test("^docker\\.io/otel/opentelemetry-collector-contrib:[0-9]+\\.[0-9]+\\.[0-9]+$")')"
check collector_ports eq "$(q compose.yml '[.services["otel-collector"].ports[] | split(":")[-1]] | sort')" \
  '["4317","4318"]'
# The host gets the services and the collector's OTLP, on 127.0.0.1 each and
# on a port its variable moves; the database is reached over the stack's own
# network only, so Debian's own PostgreSQL on 5432 never collides with it.
check database_not_published eq "$(q compose.yml '.services.postgres.ports // []')" '[]'
check published_ports_on_loopback_and_settable eq "$(q compose.yml '[.services[].ports // [] | .[]
  | select(test("^127\\.0\\.0\\.1:\\$\\{[A-Z_]+:-[0-9]+\\}:[0-9]+$") | not)]')" '[]'
published_vars_in_env_example() {
  local var
  for var in $(yq -r '.services[].ports // [] | .[]' compose.yml | sed -nE 's/.*\$\{([A-Z_]+):-.*/\1/p'); do
    grep -q "^$var=" .env.example || { echo "    $var is not in .env.example" >&2; return 1; }
  done
}
check published_ports_documented published_vars_in_env_example
check service_ports eq "$(q compose.yml '[.services.articles.ports[], .services.notify.ports[]] | map(split(":")[-1])')" \
  '["8080","8081"]'

# Every service a depends_on names exists; service_healthy only where there is
# a health check (in compose.yml, or the HEALTHCHECK of the image's stage).
healthy() {
  [ "$(q compose.yml ".services[\"$1\"].healthcheck != null")" = true ] ||
    awk -v s="$1" '/^FROM /{on = ($NF == s)} on && /^HEALTHCHECK/{f=1} END{exit !f}' Dockerfile
}
depends_ok() {
  local edge dep cond
  for edge in $(q compose.yml '.services[] | .depends_on // {} | to_entries[] | "\(.key)=\(.value.condition)"' | tr -d '"'); do
    dep=${edge%=*} cond=${edge#*=}
    [ "$(q compose.yml ".services | has(\"$dep\")")" = true ] || { echo "    no service $dep" >&2; return 1; }
    [ "$cond" != service_healthy ] || healthy "$dep" || { echo "    $dep has no health check" >&2; return 1; }
  done
}
check depends_on_resolves depends_ok
check articles_waits_for_healthy_db_and_notify eq \
  "$(q compose.yml '.services.articles.depends_on | [.postgres.condition, .notify.condition]')" \
  '["service_healthy","service_healthy"]'
check articles_migrates_then_serves has "$(q compose.yml '.services.articles.command | join(" ")
  | test("articles migrate up && exec articles")')"

# The services find each other under the compose service names and ports.
env_of() { q compose.yml ".services.$1.environment.$2" | tr -d '"'; }
check database_url_names_postgres has "$(jq -n --arg u "$(env_of articles DATABASE_URL)" '$u | test("@postgres:5432/")')"
check notify_url_names_notify eq "$(env_of articles NOTIFY_URL)" "http://notify:$(env_of notify PORT)/notify"
for svc in articles notify; do
  check "${svc}_exports_to_the_collector" eq "$(env_of "$svc" OTEL_EXPORTER_OTLP_ENDPOINT)" http://otel-collector:4318
done

# Bind mounts come from the repository (.data/collector: made by
# scripts/compose.sh up).
mounts_ok() {
  local src
  for src in $(q compose.yml '.services[].volumes // [] | .[] | split(":")[0] | select(startswith("."))' | tr -d '"'); do
    case $src in
      ./.data/collector) grep -q 'mkdir -p .data/collector' scripts/compose.sh || return 1 ;;
      *) [ -e "$src" ] || { echo "    $src does not exist" >&2; return 1; } ;;
    esac
  done
}
check bind_mounts_exist mounts_ok

# Containers may do only what they must: the services and the collector run
# read-only, with no capability and no privilege to gain; postgres, whose
# entrypoint needs root for a moment, gains none either.
for svc in articles notify otel-collector; do
  check "${svc}_hardened" eq "$(q compose.yml ".services[\"$svc\"] | [.read_only, .cap_drop, .security_opt]")" \
    '[true,["ALL"],["no-new-privileges:true"]]'
done
check postgres_no_new_privileges eq "$(q compose.yml '.services.postgres.security_opt')" '["no-new-privileges:true"]'
check env_file_not_in_images grep -qx '.env' .dockerignore
check no_world_writable_folders eval '! grep -nE "chmod [0-7]*7[^0-7]|chmod (a|o)\+w" Makefile scripts/*.sh Dockerfile'
check collector_folder_given_to_its_user grep -q 'chown 10001:10001 .data/collector' scripts/compose.sh
check tokens_passed_to_services eq "$(q compose.yml '[.services.articles.environment.API_TOKEN, .services.articles.environment.NOTIFY_TOKEN, .services.notify.environment.NOTIFY_TOKEN]')" \
  '["${API_TOKEN}","${NOTIFY_TOKEN}","${NOTIFY_TOKEN}"]'
check verify_reads_the_file_exporter_mount grep -q 'TELEMETRY=$DATA_DIR/collector' scripts/verify-collector.sh

# The collector's --config files: otel-config.yaml, then the overlay
# scripts/compose.sh picks from the backend settings (the environment wins
# over .env, so a developer's .env does not change what is checked here).
configs() {
  local overlay
  overlay=$(env OTEL_BACKEND_CONFIG= OTEL_BACKEND_ENDPOINT="$1" OTEL_BACKEND_TOKEN_URL="$2" \
    scripts/compose.sh backend-config 2>/dev/null) || return
  q compose.yml '.services["otel-collector"].command[]' | tr -d '"' |
    sed -n "s|^--config=/etc/otelcol/||p" | sed "s|\${OTEL_BACKEND_CONFIG:-backend.yaml}|$overlay|" | paste -sd' '
}
check collector_config_files_without_backend eq "$(configs '' '')" "otel-config.yaml backend.yaml"
check collector_config_files_with_backend eq "$(configs https://otlp.example '')" "otel-config.yaml backend-otlphttp.yaml"
check collector_config_files_with_oauth2 eq "$(configs https://otlp.example https://auth.example/token)" \
  "otel-config.yaml backend-oauth2.yaml"
check token_url_without_endpoint_refused eval '! configs "" https://auth.example/token'
check collector_config_default_is_no_backend eq \
  "$(q compose.yml '.services["otel-collector"].command[-1]')" '"--config=/etc/otelcol/${OTEL_BACKEND_CONFIG:-backend.yaml}"'
# podman-compose 1.0.3 leaves ${VAR:-} and ${VAR:+...} as they are: a token
# would become that text. compose.yml uses neither.
check compose_uses_only_portable_forms eval '! grep -nE "\\$\\{[A-Z_]+(:-\\}|:?\\+)" compose.yml'

# Every ${VAR} of compose.yml is documented in .env.example, and nothing more.
used=$(grep -oE '\$\{[A-Z_]+' compose.yml | cut -c3- | sort -u)
documented=$(sed -nE 's/^([A-Z_]+)=.*/\1/p' .env.example | sort -u)
check env_example_documents_compose eq "$documented" "$used"

# --- Dockerfile ---
check dockerfile_bases_are_bookworm_slim eq \
  "$(sed -nE 's/^ARG DEBIAN=(.*)/\1/p' Dockerfile):$(grep -E '^FROM ' Dockerfile | grep -vcE '^FROM (\$\{DEBIAN\}|runtime) ')" \
  "debian:bookworm-slim:0"
check dockerfile_builds_with_the_install_script grep -q '^RUN scripts/install-deps.sh build' Dockerfile
check dockerfile_builds_with_make_build grep -qE '^RUN make build( |$)' Dockerfile
check dockerfile_runs_unprivileged eq "$(awk '/^FROM .* AS runtime$/{on=1} on && /^USER /{print $2; exit}' Dockerfile)" app
for svc in articles notify; do
  check "${svc}_image_has_healthcheck" healthy "$svc"
done
check dockerignore_skips_outputs eq "$(grep -vE '^(#|$)' .dockerignore | sort | paste -sd,)" ".data,.env,.git,build,tests/kubernetes/node_modules"

# --- the collector's configuration ---
base=config/otel-config.yaml
check collector_config_parses parses $base
# The merged configuration compose gives the collector: a deep merge in which
# lists are replaced, as the collector merges --config files.
merged() { yq -cs '.[0] * .[1]' $base "config/$1"; }
check no_backend_overlay_changes_nothing eq "$(merged backend.yaml)" "$(q $base .)"

# pipelines_ok JSON: each pipeline's components are defined, every defined one
# is used, memory_limiter comes first and batch last.
pipelines_ok() {
  local problems
  problems=$(jq -r '. as $c | .service.pipelines | to_entries[] | .key as $p | .value
    | (["receivers", "processors", "exporters"][] as $kind | .[$kind][]
       | select($c[$kind][.] == null) | "\($p): \(.) is not defined"),
      (select(.processors[0] != "memory_limiter") | "\($p): memory_limiter is not first"),
      (select(.processors[-1] != "batch") | "\($p): batch is not last")' <<<"$1"
    jq -r '. as $c | ["receivers", "processors", "exporters"][] as $kind | $c[$kind] | keys[]
      | select(. as $n | [$c.service.pipelines[][$kind][]] | index($n) | not)
      | "\(.) is defined and never used"' <<<"$1")
  [ -z "$problems" ] || { echo "$problems" | sed 's/^/    /' >&2; return 1; }
}
check pipelines_resolve pipelines_ok "$(q $base .)"
check three_pipelines eq "$(q $base '.service.pipelines | keys')" '["logs","metrics","traces"]'
check otlp_on_4317_and_4318 eq "$(q $base '.receivers.otlp.protocols | [.grpc.endpoint, .http.endpoint]')" \
  '["0.0.0.0:4317","0.0.0.0:4318"]'
check health_check_on_13133 eq "$(q $base '[.extensions.health_check.endpoint, (.service.extensions | index("health_check"))]')" \
  '["0.0.0.0:13133",0]'
check debug_and_file_per_signal eq \
  "$(yq -r '.service.pipelines | to_entries | map("\(.key):\(.value.exporters | join(","))") | join(" ")' $base)" \
  "traces:debug,file/traces metrics:debug,file/metrics logs:debug,file/logs"
check file_exporters_write_the_mount eq \
  "$(q $base '[.exporters | to_entries[] | select(.key | startswith("file/")) | .value.path] | sort')" \
  '["/var/lib/otelcol/file/logs.jsonl","/var/lib/otelcol/file/metrics.jsonl","/var/lib/otelcol/file/traces.jsonl"]'
check resource_processor_everywhere eq "$(q $base '[.service.pipelines[].processors | index("resource") != null] | all')" true
filter=$(q $base '.service.pipelines.traces.processors[] | select(startswith("filter"))' | tr -d '"')
conditions=$(yq -r ".processors[\"$filter\"].traces.span[]" $base)
for word in /api/health /health BEGIN COMMIT ROLLBACK; do
  check "filter_drops_${word//\//_}" grep -qF "\"$word\"" <<<"$conditions"
done
for overlay in backend-otlphttp backend-oauth2; do
  check "${overlay}_resolves" pipelines_ok "$(merged $overlay.yaml)"
  check "${overlay}_adds_only_its_exporter" eq \
    "$(merged $overlay.yaml | jq -c '.service.pipelines | map_values(.exporters)')" \
    "$(q $base '.service.pipelines | map_values(.exporters + ["otlphttp/backend"])')"
  check "${overlay}_endpoint_from_env" eq "$(q config/$overlay.yaml '.exporters["otlphttp/backend"].endpoint')" \
    '"${env:OTEL_BACKEND_ENDPOINT}"'
  # Nothing left to the collector's defaults on the way to a backend.
  check "${overlay}_queue_retry_compression_explicit" eq \
    "$(q config/$overlay.yaml '[.exporters[] | [.sending_queue.enabled, .retry_on_failure.enabled, .compression]] | unique')" \
    '[[true,true,"gzip"]]'
done
# Every extension the service starts is defined, every defined one started,
# and an exporter's authenticator is one of them.
extensions_ok() {
  local problems
  problems=$(jq -r '. as $c
    | ($c.service.extensions // [])[] | select($c.extensions[.] == null) | "\(.) is not defined"' <<<"$1"
    jq -r '. as $c | ($c.extensions // {}) | keys[]
      | select(. as $n | ($c.service.extensions // []) | index($n) | not) | "\(.) is defined and never started"' <<<"$1"
    jq -r '. as $c | $c.exporters[] | .auth.authenticator // empty
      | select(. as $n | ($c.service.extensions // []) | index($n) | not) | "authenticator \(.) is not started"' <<<"$1")
  [ -z "$problems" ] || { echo "$problems" | sed 's/^/    /' >&2; return 1; }
}
check extensions_resolve extensions_ok "$(q $base .)"
check extensions_resolve_with_oauth2 extensions_ok "$(merged backend-oauth2.yaml)"
check oauth2_authenticates_the_backend eq \
  "$(merged backend-oauth2.yaml | jq -c '[.exporters["otlphttp/backend"].auth.authenticator, (.exporters["otlphttp/backend"].headers // {} | length)]')" \
  '["oauth2client/backend",0]'
check oauth2_credentials_from_env eq \
  "$(q config/backend-oauth2.yaml '.extensions["oauth2client/backend"] | [.token_url, .client_id, .client_secret]')" \
  '["${env:OTEL_BACKEND_TOKEN_URL}","${env:OTEL_BACKEND_CLIENT_ID}","${env:OTEL_BACKEND_CLIENT_SECRET}"]'
# Every ${env:X} the collector reads is given to it by compose.yml.
collector_env_ok() {
  local v
  for v in $(grep -ohE '\$\{env:[A-Z_]+' config/*.yaml | cut -c7- | sort -u); do
    [ "$(q compose.yml ".services[\"otel-collector\"].environment | has(\"$v\")")" = true ] ||
      { echo "    $v is not in the collector's environment" >&2; return 1; }
  done
}
check collector_env_given collector_env_ok

# --- the Kubernetes collectors' configurations (deploy/kubernetes) ---
# The agent's, and the gateway's with each backend.yaml merged over it (the
# base's, none; overlays/prod's, the backend): the same rules as above.
k8s=deploy/kubernetes
agent=$k8s/base/collector/agent.yaml
gateway() { yq -cs '.[0] * .[1]' $k8s/base/collector/gateway.yaml "$1"; }
check k8s_agent_resolves pipelines_ok "$(q $agent .)"
check k8s_agent_extensions_resolve extensions_ok "$(q $agent .)"
for backend in base/collector/backend.yaml overlays/prod/collector/backend.yaml; do
  name=base
  [[ $backend == overlays/* ]] && name=prod
  check "k8s_gateway_with_${name}_backend_resolves" pipelines_ok "$(gateway $k8s/$backend)"
  check "k8s_gateway_with_${name}_backend_extensions_resolve" extensions_ok "$(gateway $k8s/$backend)"
done
check k8s_gateway_without_backend_is_the_gateway eq "$(gateway $k8s/base/collector/backend.yaml)" \
  "$(q $k8s/base/collector/gateway.yaml .)"
check k8s_gateway_prod_adds_only_the_backend eq \
  "$(gateway $k8s/overlays/prod/collector/backend.yaml | jq -c '.service.pipelines | map_values(.exporters)')" \
  "$(q $k8s/base/collector/gateway.yaml '.service.pipelines | map_values(.exporters + ["otlphttp/backend"])')"
check k8s_gateway_backend_queue_retry_compression_explicit eq \
  "$(q $k8s/overlays/prod/collector/backend.yaml '[.exporters[] | [.sending_queue.enabled, .retry_on_failure.enabled, .compression]] | unique')" \
  '[[true,true,"gzip"]]'
# The agent filters and labels as the compose collector does: the same
# processor definitions, in the same order in each pipeline.
for processor in filter/noise resource memory_limiter batch; do
  check "k8s_agent_${processor//\//_}_as_compose" eq "$(q $agent ".processors[\"$processor\"]")" \
    "$(q $base ".processors[\"$processor\"]")"
done
check k8s_agent_processors_as_compose eq "$(q $agent '.service.pipelines | map_values(.processors)')" \
  "$(q $base '.service.pipelines | map_values(.processors)')"
check k8s_gateway_tail_samples_traces_only eq \
  "$(q $k8s/base/collector/gateway.yaml '[.service.pipelines | to_entries[] | select(.value.processors | index("tail_sampling")) | .key]')" \
  '["traces"]'

# --- the Dockerfile's build step, on a copy of the tree ---
# (the files .dockerignore lets through, and the command of its RUN line)
git ls-files -z --cached --others --exclude-standard | grep -zvE '^(\.data|build)/' |
  tar -C "$TOP" --null -T - -cf - | tar -C "$WORK" -xf -
build_cmd=$(sed -nE 's/^RUN (make build.*)/\1/p' Dockerfile)
(cd "$WORK" && $build_cmd >"$WORK/build.log" 2>&1)
check docker_build_step_succeeds eq "$?" 0
for src in $(sed -nE 's|^COPY --from=build /src/([^ ]+) .*|\1|p' Dockerfile); do
  check "docker_build_makes_${src##*/}" test -x "$WORK/$src"
done

finish compose_config
