// What the schemas cannot see in one overlay's rendered objects: that the
// parts name each other rightly. Reads the objects (a JSON array), the
// collectors' configurations parsed from their ConfigMaps, and the facts
// the driver (check-kubernetes.sh) gathers from the repository:
//   node invariants.js OBJECTS.json CONFIGS.json FACTS.json
// CONFIGS: {"<configmap>/<file>": configuration}. FACTS: {"targets": the
// Dockerfile's stages, "third_party_images": compose.yml's images,
// "flush_ms": the services' telemetry flush bound, "user_secrets":
// {"<secret>": [keys]} documented as the user's to create}.
// Prints "PASS name" or "FAIL name: why" per check.
"use strict";
const fs = require("fs");

const [objects, configs, facts] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
let failed = 0;
function check(name, problems) {
  const list = (Array.isArray(problems) ? problems : [problems]).filter(Boolean);
  if (list.length) failed++;
  console.log(list.length ? `FAIL ${name}: ${list.join("; ")}` : `PASS ${name}`);
}

const of = (kind) => objects.filter((o) => o.kind === kind);
const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind));
const podSpec = (w) => w.spec.template.spec;
const containersOf = (w) => [...(podSpec(w).initContainers || []), ...podSpec(w).containers];
const selects = (selector, labels) => Object.entries(selector || {}).every(([k, v]) => (labels || {})[k] === v);
const selected = (selector) => workloads.filter((w) => selects(selector, w.spec.template.metadata.labels));
const envOf = (c) => Object.fromEntries((c.env || []).map((e) => [e.name, e]));
const httpServices = of("Deployment").filter((d) => d.metadata.labels["app.kubernetes.io/component"] === "http-service");
const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
// A generated ConfigMap or Secret's name is its base name and a hash.
const baseName = (name) => name.replace(/-[a-z0-9]{10}$/, "");

// --- Services, probes and ports ---
// A port a Service or probe names (by name or number) is one each selected container declares.
const declares = (c, port) => (c.ports || []).some((p) => p.name === port || p.containerPort === port);
for (const svc of of("Service")) {
  const pods = selected(svc.spec.selector);
  check(`service_${svc.metadata.name}_selects_pods`, pods.length ? null : "selects no workload's pods");
  check(
    `service_${svc.metadata.name}_ports_declared`,
    svc.spec.ports.flatMap((p) =>
      pods
        .filter((w) => !podSpec(w).containers.some((c) => declares(c, p.targetPort || p.port)))
        .map((w) => `${w.metadata.name} declares no port ${p.targetPort || p.port}`),
    ),
  );
}
for (const w of workloads)
  for (const c of containersOf(w))
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"].filter((p) => c[p])) {
      const port = (c[probe].httpGet || c[probe].tcpSocket || {}).port;
      check(
        `${w.metadata.name}_${c.name}_${probe}_port`,
        port === undefined || declares(c, port) ? null : `port ${port} is not declared`,
      );
    }
for (const o of of("HorizontalPodAutoscaler"))
  check(`${o.metadata.name}_hpa_targets_a_deployment`, named(o.spec.scaleTargetRef.kind, o.spec.scaleTargetRef.name) ? null : "no such target");
for (const o of of("PodDisruptionBudget"))
  check(`${o.metadata.name}_pdb_selects_pods`, selected(o.spec.selector.matchLabels).length ? null : "selects no pods");

// --- Secrets and ConfigMaps: defined here, or the user's to create ---
function keysOf(kind, name) {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (o) return Object.keys({ ...(o.data || {}), ...(o.stringData || {}) });
  if (kind === "Secret" && facts.user_secrets[name]) return facts.user_secrets[name];
  return null;
}
for (const w of workloads) {
  const problems = [];
  const need = (kind, name, key) => {
    const keys = keysOf(kind, name);
    if (!keys) problems.push(`${kind} ${name} is neither defined nor documented`);
    else if (key && !keys.includes(key)) problems.push(`${kind} ${name} has no key ${key}`);
  };
  for (const c of containersOf(w)) {
    for (const e of c.env || []) {
      const from = e.valueFrom || {};
      if (from.secretKeyRef) need("Secret", from.secretKeyRef.name, from.secretKeyRef.key);
      if (from.configMapKeyRef) need("ConfigMap", from.configMapKeyRef.name, from.configMapKeyRef.key);
    }
    for (const e of c.envFrom || []) {
      if (e.secretRef) need("Secret", e.secretRef.name);
      if (e.configMapRef) need("ConfigMap", e.configMapRef.name);
    }
  }
  for (const v of podSpec(w).volumes || []) {
    if (v.configMap) need("ConfigMap", v.configMap.name);
    if (v.secret) need("Secret", v.secret.secretName);
  }
  check(`${w.metadata.name}_references_resolve`, problems);
}

// --- Images: ours are the Dockerfile's targets, the others compose.yml's; each tagged, not latest ---
for (const w of workloads)
  for (const c of containersOf(w)) {
    const [path, tag] = c.image.split(/:(?=[^/]*$)/);
    const target = path.split("/").pop();
    const thirdParty = facts.third_party_images.includes(c.image);
    check(
      `${w.metadata.name}_${c.name}_image`,
      thirdParty || facts.targets.includes(target) ? null : `${c.image}: not a Dockerfile target nor compose.yml's image`,
    );
    // A tag, and not latest: the kubelet pulls an untagged or latest image at every start.
    check(`${w.metadata.name}_${c.name}_image_tagged`, tag && tag !== "latest" ? null : `${c.image} has no tag, or latest`);
  }

// --- Every container unprivileged, read-only, with nothing to gain ---
for (const w of workloads)
  for (const c of containersOf(w)) {
    const pod = podSpec(w).securityContext || {};
    const sc = c.securityContext || {};
    check(`${w.metadata.name}_${c.name}_hardened`, [
      (sc.runAsNonRoot ?? pod.runAsNonRoot) === true ? null : "runAsNonRoot is not true",
      sc.readOnlyRootFilesystem === true ? null : "readOnlyRootFilesystem is not true",
      sc.allowPrivilegeEscalation === false ? null : "allowPrivilegeEscalation is not false",
      JSON.stringify((sc.capabilities || {}).drop) === '["ALL"]' ? null : "capabilities are not all dropped",
      (sc.privileged || false) === false ? null : "privileged",
    ]);
  }

// --- articles and notify ---
const seconds = (c) => {
  const cmd = (((c.lifecycle || {}).preStop || {}).exec || {}).command || [];
  return cmd[0] === "sleep" ? Number(cmd[1]) : 0;
};
const agent = named("DaemonSet", "otel-agent");
const agentPort = (name) => agent && agent.spec.template.spec.containers[0].ports.find((p) => p.name === name);
check("two_http_services", httpServices.map((d) => d.metadata.name).sort().join(",") === "articles,notify" ? null : "expected articles and notify");
for (const d of httpServices) {
  const name = d.metadata.name;
  const c = podSpec(d).containers[0];
  const env = envOf(c);
  const value = (k) => (env[k] || {}).value;
  const drainMs = Number(value("DRAIN_TIMEOUT_MS"));
  const needed = seconds(c) + (drainMs + facts.flush_ms) / 1000;
  check(`${name}_grace_exceeds_prestop_drain_and_flush`, [
    Number.isFinite(drainMs) ? null : "DRAIN_TIMEOUT_MS is not set",
    seconds(c) > 0 ? null : "no preStop pause",
    podSpec(d).terminationGracePeriodSeconds > needed ? null : `terminationGracePeriodSeconds ${podSpec(d).terminationGracePeriodSeconds} <= ${needed}`,
  ]);
  const probe = (p) => c[p] && c[p].httpGet && c[p].httpGet.path;
  const health = name === "articles" ? "/api/health" : "/health";
  const ready = name === "articles" ? "/api/ready" : "/health";
  check(`${name}_probes`, [
    probe("startupProbe") === health ? null : `startup probe is not on ${health}`,
    probe("readinessProbe") === ready ? null : `readiness probe is not on ${ready}`,
    probe("livenessProbe") === health ? null : `liveness probe is not on ${health}`,
  ]);
  const r = c.resources || {};
  check(`${name}_requests_and_limits`, ["cpu", "memory"].flatMap((k) => [
    (r.requests || {})[k] ? null : `no ${k} request`,
    (r.limits || {})[k] ? null : `no ${k} limit`,
  ]));
  check(`${name}_threads_set`, ["HTTP_THREADS", "WORKER_THREADS"].map((k) => (/^[1-9][0-9]*$/.test(value(k) || "") ? null : `${k} is not set`)));
  check(`${name}_has_hpa_and_pdb`, [
    of("HorizontalPodAutoscaler").some((h) => h.spec.scaleTargetRef.name === name) ? null : "no HorizontalPodAutoscaler",
    of("PodDisruptionBudget").some((p) => selects(p.spec.selector.matchLabels, d.spec.template.metadata.labels)) ? null : "no PodDisruptionBudget",
  ]);
  // The downward API's four attributes, each from a variable set before it, from the right field.
  const fields = { "k8s.namespace.name": "metadata.namespace", "k8s.pod.name": "metadata.name", "k8s.node.name": "spec.nodeName", "service.instance.id": "metadata.uid" };
  const names = (c.env || []).map((e) => e.name);
  const pairs = Object.fromEntries((value("OTEL_RESOURCE_ATTRIBUTES") || "").split(",").map((kv) => kv.split("=")));
  check(`${name}_resource_from_downward_api`, Object.entries(fields).map(([attr, field]) => {
    const m = /^\$\(([A-Z0-9_]+)\)$/.exec(pairs[attr] || "");
    if (!m) return `${attr} is not from a variable`;
    const v = env[m[1]];
    if (!v || names.indexOf(m[1]) > names.indexOf("OTEL_RESOURCE_ATTRIBUTES")) return `${m[1]} is not set before OTEL_RESOURCE_ATTRIBUTES`;
    return ((v.valueFrom || {}).fieldRef || {}).fieldPath === field ? null : `${m[1]} is not ${field}`;
  }));
  const endpoint = /^http:\/\/\$\(([A-Z_]+)\):([0-9]+)$/.exec(value("OTEL_EXPORTER_OTLP_ENDPOINT") || "");
  check(`${name}_exports_to_its_nodes_agent`, [
    endpoint ? null : "OTEL_EXPORTER_OTLP_ENDPOINT is not http://$(VAR):PORT",
    endpoint && ((env[endpoint[1]] || {}).valueFrom || {}).fieldRef?.fieldPath === "status.hostIP" ? null : "its host is not status.hostIP",
    endpoint && agentPort("otlp-http") && Number(endpoint[2]) === agentPort("otlp-http").hostPort ? null : "its port is not the agent's OTLP/HTTP hostPort",
  ]);
  for (const [k, v] of Object.entries(env))
    if (/TOKEN$|DATABASE_URL$/.test(k)) check(`${name}_${k}_from_a_secret`, v.valueFrom && v.valueFrom.secretKeyRef ? null : "given in the clear");
}
const articles = named("Deployment", "articles");
if (articles) {
  const init = podSpec(articles).initContainers || [];
  check("articles_migrates_in_an_init_container", init.some((c) => (c.command || []).join(" ") === "articles migrate up") ? null : "no init container runs articles migrate up");
  const notifyUrl = /^http:\/\/([a-z0-9-]+):([0-9]+)\/notify$/.exec((envOf(podSpec(articles).containers[0]).NOTIFY_URL || {}).value || "");
  const notifySvc = notifyUrl && named("Service", notifyUrl[1]);
  check("notify_url_names_the_notify_service", [
    notifySvc ? null : "NOTIFY_URL names no Service",
    notifySvc && notifySvc.spec.ports.some((p) => p.port === Number(notifyUrl[2])) ? null : "at no port of it",
    notifySvc && selected(notifySvc.spec.selector).some((w) => w.metadata.name === "notify") ? null : "that selects notify",
  ]);
}

// --- The collectors: the files they are given, and what their configurations name ---
for (const w of workloads.filter((x) => x.metadata.labels["app.kubernetes.io/component"] === "collector")) {
  const c = podSpec(w).containers[0];
  const volume = (podSpec(w).volumes || []).find((v) => v.configMap);
  const mount = (c.volumeMounts || []).find((m) => volume && m.name === volume.name);
  const files = (c.args || []).filter((a) => a.startsWith("--config=")).map((a) => a.slice(9));
  check(`${w.metadata.name}_config_files_mounted`, files.length ? files.map((f) =>
    mount && f.startsWith(mount.mountPath + "/") && configs[`${volume.configMap.name}/${f.slice(mount.mountPath.length + 1)}`] ? null : `${f} is not in its ConfigMap`) : "no --config");
  // Every ${env:X} without a default is in the container's environment.
  const text = files.map((f) => JSON.stringify(configs[`${volume.configMap.name}/${f.split("/").pop()}`] || {})).join();
  const given = new Set([
    ...(c.env || []).map((e) => e.name),
    ...(c.envFrom || []).flatMap((e) => (e.configMapRef ? keysOf("ConfigMap", e.configMapRef.name) || [] : [])),
  ]);
  check(`${w.metadata.name}_config_env_given`, [...text.matchAll(/\$\{env:([A-Z_]+)\}/g)].map((m) => (given.has(m[1]) ? null : `${m[1]} is not given`)));
}
// Agent -> gateway: traces by trace id to each gateway pod (a headless
// Service's records), the rest to the gateway's Service.
const agentConfig = Object.entries(configs).find(([k]) => /^otel-agent/.test(k));
const gateway = named("Deployment", "otel-gateway");
if (agentConfig) {
  const exporters = agentConfig[1].exporters || {};
  const lb = exporters.loadbalancing || {};
  const dns = ((lb.resolver || {}).dns) || {};
  const headless = named("Service", dns.hostname);
  const gatewayPods = (svc) => svc && selected(svc.spec.selector).includes(gateway);
  check("agent_routes_traces_by_trace_id", [
    lb.routing_key === "traceID" ? null : "routing_key is not traceID",
    JSON.stringify(agentConfig[1].service.pipelines.traces.exporters) === '["loadbalancing"]' ? null : "traces do not go through loadbalancing",
  ]);
  check("agent_resolves_the_gateways_headless_service", [
    headless && headless.spec.clusterIP === "None" ? null : `${dns.hostname} is not a headless Service`,
    gatewayPods(headless) ? null : "that selects the gateway",
    headless && headless.spec.ports.some((p) => p.port === dns.port) ? null : `at no port ${dns.port}`,
  ]);
  const [host, port] = ((exporters["otlp/gateway"] || {}).endpoint || ":").split(":");
  const svc = named("Service", host);
  check("agent_sends_the_rest_to_the_gateway_service", [
    gatewayPods(svc) ? null : `${host} is not a Service of the gateway`,
    svc && svc.spec.ports.some((p) => p.port === Number(port)) ? null : `at no port ${port}`,
  ]);
  check("agent_listens_on_its_host_ports", ["otlp-grpc", "otlp-http"].map((n) => {
    const p = agentPort(n);
    const receiver = ((agentConfig[1].receivers.otlp || {}).protocols || {})[n === "otlp-grpc" ? "grpc" : "http"] || {};
    return p && p.hostPort && receiver.endpoint === `0.0.0.0:${p.containerPort}` ? null : `${n}: no hostPort, or the receiver is not on its containerPort`;
  }));
}
if (gateway) {
  const gatewayConfig = configs[Object.keys(configs).find((k) => /^otel-gateway-?[a-z0-9]*\/gateway\.yaml$/.test(k))] || {};
  const policies = ((gatewayConfig.processors || {}).tail_sampling || {}).policies || [];
  check("gateway_tail_samples_errors_slow_and_a_share", ["status_code", "latency", "probabilistic"].map((t) =>
    policies.some((p) => p.type === t) ? null : `no ${t} policy`));
}

process.exitCode = failed ? 1 : 0;
