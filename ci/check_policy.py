#!/usr/bin/env python3
"""Security review of rendered installs, as a check that fails on any finding.

    check_policy.py --install FILE...              a whole install (kustomize, Helm); the
                                                   webhook's objects in it are checked as
                                                   --webhook checks them
    check_policy.py --webhook FILE...              the admission webhook's install alone
    check_policy.py --sidecar RBAC_FILE DS_FILE    the terway-sidecar overlay: its RBAC
                                                   and Terway's DaemonSet once patched

What it asserts, for the agent's container and what the install grants it:
least privilege in RBAC (exactly the Role below, no wildcards, no secrets,
nothing cluster-scoped), no privileged container, every capability dropped, no
host path beyond the five the agent needs and the CNI directory never through a
subPath, probes on the agent's port, and the command line of the CLI contract.

For the webhook (docs/webhook.md): two or more replicas kept apart, a PDB,
hostNetwork, a system priority class, non-root with nothing but the serving pair
mounted, RBAC on exactly its Secret and its ValidatingWebhookConfiguration, and a
configuration that sends only the one ConfigMap (rule, namespaceSelector,
matchConditions) with sideEffects None, v1 reviews and a timeout of 5 s at most.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field

import yaml

AGENT_CONTAINER = "eni-config-agent"
CNI_DIR, CNI_BIN_DIR, STATE_DIR = "/etc/cni/net.d", "/opt/cni/bin", "/var/lib/eni-config-agent"
TERWAY_STATE_DIR, CILIUM_STATE_DIR = "/var/run/eni", "/var/run/cilium/state/globals"

# (host path, allowed hostPath types, mounted read-only)
AGENT_HOST_PATHS = {
    CNI_DIR: ({"Directory", "DirectoryOrCreate"}, False),
    CNI_BIN_DIR: ({"Directory"}, True),
    STATE_DIR: ({"Directory", "DirectoryOrCreate"}, False),
    # Terway's node facts (docs/terway-render.md), only ever read.
    TERWAY_STATE_DIR: ({"Directory", "DirectoryOrCreate"}, True),
    CILIUM_STATE_DIR: ({"Directory", "DirectoryOrCreate"}, True),
}

# The CLI contract of `eni-config-agent run` (docs/contracts.md) plus --log-format.
RUN_FLAGS = {
    "node-name", "kubeconfig", "namespace", "configmap-name", "cni-dir", "cni-bin-dir",
    "state-dir", "apply", "listen", "log-format", "coexist", "host-root", "feature-gates",
}
REQUIRED_RUN_ARGS = {
    "node-name": "$(NODE_NAME)",
    "cni-dir": CNI_DIR,
    "cni-bin-dir": CNI_BIN_DIR,
    "state-dir": STATE_DIR,
}
RESTARTED_AT_FIELD = "metadata.annotations['kubectl.kubernetes.io/restartedAt']"
INSTALL_KINDS = {"ServiceAccount", "Role", "RoleBinding", "DaemonSet", "ConfigMap"}
SIDECAR_RBAC_KINDS = {"Role", "RoleBinding"}


def expected_rules(configmap_name: str) -> set[tuple[str, str, str, str | None]]:
    """(apiGroup, resource, verb, resourceName) the agent's Role must grant, exactly."""
    reads = {("", "configmaps", verb, configmap_name) for verb in ("get", "list", "watch")}
    events = {(group, "events", verb, None)
              for group in ("", "events.k8s.io") for verb in ("create", "patch")}
    return reads | events


@dataclass
class Report:
    findings: list[str] = field(default_factory=list)

    def check(self, ok: bool, where: str, message: str) -> bool:
        if not ok:
            self.findings.append(f"{where}: {message}")
        return ok


def load_objects(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc]


def name_of(obj: dict) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def agent_container(pod_spec: dict) -> dict | None:
    return next((c for c in pod_spec.get("containers", []) if c.get("name") == AGENT_CONTAINER), None)


def parse_flags(args: list[str], subcommand: str, allowed: set[str], where: str, report: Report) -> dict[str, str]:
    """`<subcommand> --flag=value ...` into {flag: value}, each flag one of `allowed`, once."""
    report.check(bool(args) and args[0] == subcommand, where, f"args must start with the subcommand {subcommand!r}, got {args[:1]}")
    flags: dict[str, str] = {}
    for arg in args[1:]:
        key, sep, value = arg.partition("=")
        flag = key.removeprefix("--")
        if not report.check(key.startswith("--") and sep == "=", where, f"argument {arg!r} is not --flag=value"):
            continue
        report.check(flag in allowed, where, f"--{flag} is not a flag of `eni-config-agent {subcommand}`")
        report.check(flag not in flags, where, f"--{flag} is given twice")
        flags[flag] = value
    return flags


def check_command_line(container: dict, where: str, report: Report) -> dict[str, str]:
    flags = parse_flags(container.get("args", []), "run", RUN_FLAGS, where, report)
    report.check(not container.get("command"), where, "command overrides the image's entrypoint")
    for flag, value in REQUIRED_RUN_ARGS.items():
        report.check(flags.get(flag) == value, where, f"--{flag} must be {value!r}, got {flags.get(flag)!r}")
    report.check(flags.get("apply") in {"on-start", "live"}, where, f"--apply must be on-start or live, got {flags.get('apply')!r}")
    report.check(flags.get("log-format") in {"json", "text"}, where, "--log-format must be json or text")
    report.check(flags.get("listen") in {"0.0.0.0:$(LISTEN_PORT)", "[::]:$(LISTEN_PORT)"}, where,
                 f"--listen must be a wildcard address on $(LISTEN_PORT) (probes reach the node IP), got {flags.get('listen')!r}")
    report.check(bool(flags.get("namespace")), where, "--namespace is missing")
    report.check(bool(flags.get("configmap-name")), where, "--configmap-name is missing")
    return flags


def env_of(container: dict) -> dict[str, dict]:
    return {e.get("name"): e for e in container.get("env", [])}


def field_ref(env_var: dict | None) -> str | None:
    return ((env_var or {}).get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath")


def check_environment(container: dict, where: str, report: Report) -> int | None:
    env = env_of(container)
    report.check(field_ref(env.get("NODE_NAME")) == "spec.nodeName", where, "NODE_NAME must come from spec.nodeName")
    report.check(field_ref(env.get("ROLLOUT_RESTARTED_AT")) == RESTARTED_AT_FIELD, where,
                 f"ROLLOUT_RESTARTED_AT must come from {RESTARTED_AT_FIELD}")
    port = str((env.get("LISTEN_PORT") or {}).get("value", ""))
    if report.check(port.isdigit() and 0 < int(port) < 65536, where, f"LISTEN_PORT must be a port number, got {port!r}"):
        return int(port)
    return None


def check_probes(container: dict, listen_port: int | None, where: str, report: Report) -> None:
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    report.check(listen_port in ports.values(), where, f"no containerPort matches LISTEN_PORT {listen_port}")
    for probe_name, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        http_get = (container.get(probe_name) or {}).get("httpGet")
        if not report.check(http_get is not None, where, f"{probe_name} must be an httpGet on {path}"):
            continue
        report.check(http_get.get("path") == path, where, f"{probe_name} path must be {path}, got {http_get.get('path')!r}")
        port = http_get.get("port")
        resolved = ports.get(port) if isinstance(port, str) else port
        report.check(resolved == listen_port, where, f"{probe_name} port {port!r} is not the agent's port {listen_port}")
        report.check("host" not in http_get, where, f"{probe_name} must probe the pod IP, not a fixed host")


def check_powerless(container: dict, where: str, report: Report) -> None:
    """Not privileged, no escalation, every capability dropped, a read-only root file system."""
    sc = container.get("securityContext") or {}
    caps = sc.get("capabilities") or {}
    report.check(sc.get("privileged") is not True, where, "container is privileged")
    report.check(sc.get("allowPrivilegeEscalation") is False, where, "allowPrivilegeEscalation must be false")
    report.check(caps.get("drop") == ["ALL"], where, f"capabilities.drop must be [ALL], got {caps.get('drop')}")
    report.check(not caps.get("add"), where, f"no capability may be added, got {caps.get('add')}")
    report.check(sc.get("readOnlyRootFilesystem") is True, where, "readOnlyRootFilesystem must be true")
    report.check(sc.get("procMount") in (None, "Default"), where, "procMount must be Default")


def check_security_context(container: dict, where: str, report: Report) -> None:
    check_powerless(container, where, report)
    sc = container.get("securityContext") or {}
    report.check((sc.get("seccompProfile") or {}).get("type") == "RuntimeDefault", where, "seccompProfile must be RuntimeDefault")
    report.check(sc.get("runAsUser") == 0, where, "runAsUser must be 0, explicitly (the image's default user is not root)")


def check_resources(container: dict, where: str, report: Report) -> None:
    resources = container.get("resources") or {}
    for section, key in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
        report.check(key in (resources.get(section) or {}), where, f"resources.{section}.{key} must be set")


def check_image(container: dict, where: str, report: Report) -> None:
    image = container.get("image", "")
    tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
    report.check(bool(tag) and tag != "latest", where, f"image {image!r} must name a version tag")


def check_agent_mounts(container: dict, volumes: dict[str, dict], where: str, report: Report) -> set[str]:
    """The agent mounts exactly its host paths, at the same paths, as a whole."""
    seen_paths: set[str] = set()
    used_volumes: set[str] = set()
    for mount in container.get("volumeMounts", []):
        mount_where = f"{where} volumeMount {mount.get('name')}"
        used_volumes.add(mount.get("name"))
        report.check("subPath" not in mount and "subPathExpr" not in mount, mount_where,
                     "subPath mounts never see a file replaced by rename; mount the whole directory")
        report.check(mount.get("mountPropagation") in (None, "None"), mount_where, "mountPropagation must stay None")
        host_path = (volumes.get(mount.get("name")) or {}).get("hostPath")
        if not report.check(host_path is not None, mount_where, "must be one of the agent's hostPath volumes"):
            continue
        path = host_path.get("path", "").rstrip("/") or "/"
        if not report.check(path in AGENT_HOST_PATHS, mount_where, f"host path {path} is not one of {sorted(AGENT_HOST_PATHS)}"):
            continue
        allowed_types, read_only = AGENT_HOST_PATHS[path]
        report.check(host_path.get("type") in allowed_types, mount_where, f"hostPath type of {path} must be one of {sorted(allowed_types)}")
        report.check(mount.get("mountPath", "").rstrip("/") == path, mount_where, f"{path} must be mounted at the same path")
        report.check(bool(mount.get("readOnly")) == read_only, mount_where, f"{path} must be mounted {'read-only' if read_only else 'read-write'}")
        report.check(path not in seen_paths, mount_where, f"{path} is mounted twice")
        seen_paths.add(path)
    report.check(seen_paths == set(AGENT_HOST_PATHS), where, f"must mount {sorted(AGENT_HOST_PATHS)}, mounts {sorted(seen_paths)}")
    return used_volumes


def check_agent_container(pod_spec: dict, where: str, report: Report) -> dict[str, str]:
    container = agent_container(pod_spec)
    if not report.check(container is not None, where, f"no container named {AGENT_CONTAINER}"):
        return {}
    where = f"{where} container {AGENT_CONTAINER}"
    flags = check_command_line(container, where, report)
    port = check_environment(container, where, report)
    check_probes(container, port, where, report)
    check_security_context(container, where, report)
    check_resources(container, where, report)
    check_image(container, where, report)
    volumes = {v.get("name"): v for v in pod_spec.get("volumes", [])}
    check_agent_mounts(container, volumes, where, report)
    return flags


def check_own_pod(daemonset: dict, where: str, report: Report) -> None:
    """Pod-level points of a DaemonSet that is the agent's own."""
    spec = daemonset.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    report.check(pod.get("hostNetwork") is True, where, "hostNetwork must be true (the agent provides pod networking)")
    report.check(pod.get("dnsPolicy") == "ClusterFirstWithHostNet", where, "dnsPolicy must be ClusterFirstWithHostNet")
    for flag in ("hostPID", "hostIPC", "shareProcessNamespace"):
        report.check(pod.get(flag) is not True, where, f"{flag} must not be set")
    report.check(pod.get("priorityClassName") == "system-node-critical", where, "priorityClassName must be system-node-critical")
    report.check({"operator": "Exists"} in pod.get("tolerations", []), where, "must tolerate every taint ({operator: Exists})")
    report.check(pod.get("automountServiceAccountToken") is not False, where, "the agent needs its ServiceAccount token")
    report.check([c.get("name") for c in pod.get("containers", [])] == [AGENT_CONTAINER], where,
                 f"the only container must be {AGENT_CONTAINER}")
    report.check(not pod.get("initContainers") and not pod.get("ephemeralContainers"), where, "no other containers")
    report.check(not (pod.get("securityContext") or {}).get("sysctls"), where, "no sysctls")
    container = agent_container(pod) or {}
    mounted = {m.get("name") for m in container.get("volumeMounts", [])}
    for volume in pod.get("volumes", []):
        report.check(volume.get("name") in mounted and "hostPath" in volume, where,
                     f"volume {volume.get('name')} is not one of the agent's host paths")
    strategy = spec.get("updateStrategy", {})
    rolling = strategy.get("rollingUpdate") or {}
    report.check(strategy.get("type") == "RollingUpdate", where, "updateStrategy must be RollingUpdate")
    report.check(rolling.get("maxUnavailable") not in (None, 0, "0%"), where, "rollingUpdate.maxUnavailable must be set")
    report.check(rolling.get("maxSurge") in (None, 0, "0%"), where, "maxSurge must be 0: two agents would share the host port")


def role_grants(role: dict, where: str, report: Report, own_secret: str | None = None) -> set[tuple[str, str, str, str | None]]:
    """(group, resource, verb, name) tuples; secrets only by the name `own_secret` (the webhook's)."""
    grants = set()
    for rule in role.get("rules", []):
        report.check("nonResourceURLs" not in rule, where, "grants nonResourceURLs")
        values = [*rule.get("apiGroups", []), *rule.get("resources", []), *rule.get("verbs", []),
                  *rule.get("resourceNames", [])]
        report.check("*" not in values, where, f"wildcard in rule {rule}")
        report.check("secrets" not in rule.get("resources", []) or (own_secret is not None and rule.get("resourceNames") == [own_secret]),
                     where, "grants access to secrets")
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                for verb in rule.get("verbs", []):
                    for resource_name in rule.get("resourceNames") or [None]:
                        grants.add((group, resource, verb, resource_name))
    return grants


def check_rbac(objects: list[dict], namespace: str, configmap: str, service_account: str,
               where: str, report: Report) -> None:
    roles = {o["metadata"]["name"]: o for o in objects if o.get("kind") == "Role"}
    bindings = [o for o in objects if o.get("kind") == "RoleBinding"]
    report.check(bool(roles), where, "no Role")
    for name, role in roles.items():
        role_where = f"{where} Role/{name}"
        grants = role_grants(role, role_where, report)
        expected = expected_rules(configmap)
        report.check(grants == expected, role_where,
                     "must grant exactly get/list/watch on its ConfigMap and create/patch on events; "
                     f"extra (group, resource, verb, name): {sorted(grants - expected, key=str)}, "
                     f"missing: {sorted(expected - grants, key=str)}")
    bound = False
    for binding in bindings:
        binding_where = f"{where} {name_of(binding)}"
        ref = binding.get("roleRef", {})
        report.check(ref.get("kind") == "Role" and ref.get("name") in roles, binding_where,
                     f"must reference the agent's Role, references {ref.get('kind')}/{ref.get('name')}")
        for subject in binding.get("subjects", []):
            is_agent = (subject.get("kind") == "ServiceAccount" and subject.get("name") == service_account
                        and subject.get("namespace") == namespace)
            report.check(is_agent, binding_where, f"binds {subject}, which is not the agent's ServiceAccount {namespace}/{service_account}")
            bound |= is_agent
    report.check(bound, where, f"ServiceAccount {namespace}/{service_account} is bound to no Role")


def check_kinds_and_namespaces(objects: list[dict], allowed: set[str], namespace: str, where: str, report: Report) -> None:
    for obj in objects:
        report.check(obj.get("kind") in allowed, where, f"{name_of(obj)}: kind not allowed here (allowed: {sorted(allowed)})")
        report.check(obj.get("metadata", {}).get("namespace") == namespace, where,
                     f"{name_of(obj)}: must be in namespace {namespace}")


def is_webhook_object(obj: dict) -> bool:
    return (obj.get("metadata", {}).get("labels") or {}).get("app.kubernetes.io/component") == "webhook"


def check_install(path: str, report: Report) -> None:
    everything = load_objects(path)
    webhook = [o for o in everything if is_webhook_object(o)]
    if webhook:
        check_webhook(webhook, path, report)
    objects = [o for o in everything if not is_webhook_object(o)]
    daemonsets = [o for o in objects if o.get("kind") == "DaemonSet"]
    if not report.check(len(daemonsets) == 1, path, f"expected one DaemonSet, found {len(daemonsets)}"):
        return
    daemonset = daemonsets[0]
    where = f"{path} {name_of(daemonset)}"
    pod = daemonset.get("spec", {}).get("template", {}).get("spec", {})
    flags = check_agent_container(pod, where, report)
    check_own_pod(daemonset, where, report)
    namespace = daemonset.get("metadata", {}).get("namespace")
    report.check(flags.get("namespace") == namespace, where, "--namespace must be the install's namespace (the Role's)")
    check_kinds_and_namespaces(objects, INSTALL_KINDS, namespace, path, report)
    service_account = pod.get("serviceAccountName", "default")
    report.check(any(o.get("kind") == "ServiceAccount" and o["metadata"]["name"] == service_account for o in objects),
                 path, f"ServiceAccount {service_account} is not part of the install")
    check_rbac(objects, namespace, flags.get("configmap-name", ""), service_account, path, report)


def check_sidecar(rbac_path: str, daemonset_path: str, report: Report) -> None:
    daemonset = load_objects(daemonset_path)[0]
    where = f"{daemonset_path} {name_of(daemonset)}"
    pod = daemonset.get("spec", {}).get("template", {}).get("spec", {})
    flags = check_agent_container(pod, where, report)
    namespace = daemonset.get("metadata", {}).get("namespace")
    report.check(flags.get("namespace") == namespace, where, "--namespace must be the DaemonSet's namespace")
    rbac = load_objects(rbac_path)
    check_kinds_and_namespaces(rbac, SIDECAR_RBAC_KINDS, namespace, rbac_path, report)
    check_rbac(rbac, namespace, flags.get("configmap-name", ""), pod.get("serviceAccountName", "default"), rbac_path, report)


# ---- the admission webhook -------------------------------------------------

WEBHOOK_CONTAINER = "eni-config-webhook"
WEBHOOK_KINDS = {"ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Secret",
                 "Deployment", "PodDisruptionBudget", "Service", "ValidatingWebhookConfiguration"}
CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration"}
# The CLI contract of `eni-config-agent webhook` (README, docs/webhook.md).
WEBHOOK_FLAGS = {
    "listen", "tls-cert-file", "tls-private-key-file", "path", "namespace", "configmap-name",
    "certificate-secret", "service-name", "webhook-configuration-name", "kubeconfig", "context", "log-format",
}
SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical", "system-node-critical"}


def selects(selector: dict, labels: dict) -> bool:
    match = (selector or {}).get("matchLabels") or {}
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def check_webhook_pod(deployment: dict, where: str, report: Report) -> tuple[dict, dict[str, str], int | None]:
    """The Deployment's points; returns the pod spec, the webhook's flags and its container port."""
    spec = deployment.get("spec", {})
    template = spec.get("template", {})
    pod = template.get("spec", {})
    pod_labels = template.get("metadata", {}).get("labels") or {}
    report.check((spec.get("replicas") or 1) >= 2, where, "replicas must be 2 or more")
    report.check(selects(spec.get("selector"), pod_labels), where, "the selector must match the pod's labels")
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    report.check(rolling.get("maxSurge") in (0, "0%"), where, "maxSurge must be 0: the port is on the host")
    report.check(pod.get("hostNetwork") is True, where, "hostNetwork must be true (the webhook must answer when pod networking is broken)")
    report.check(pod.get("dnsPolicy") == "ClusterFirstWithHostNet", where, "dnsPolicy must be ClusterFirstWithHostNet")
    for flag in ("hostPID", "hostIPC", "shareProcessNamespace"):
        report.check(pod.get(flag) is not True, where, f"{flag} must not be set")
    report.check(pod.get("priorityClassName") in SYSTEM_PRIORITY_CLASSES, where,
                 f"priorityClassName must be one of {sorted(SYSTEM_PRIORITY_CLASSES)}")
    terms = (((pod.get("affinity") or {}).get("podAntiAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution")) or []
    report.check(any(t.get("topologyKey") == "kubernetes.io/hostname" and selects(t.get("labelSelector"), pod_labels) for t in terms),
                 where, "required podAntiAffinity on kubernetes.io/hostname must keep the replicas on different nodes")
    pod_security = pod.get("securityContext") or {}
    report.check(pod_security.get("runAsNonRoot") is True and pod_security.get("runAsUser") not in (None, 0), where,
                 "the pod must run as a non-root user (runAsNonRoot, runAsUser other than 0)")
    report.check((pod_security.get("seccompProfile") or {}).get("type") == "RuntimeDefault", where, "seccompProfile must be RuntimeDefault")
    report.check(not pod_security.get("sysctls"), where, "no sysctls")
    containers = pod.get("containers", [])
    report.check([c.get("name") for c in containers] == [WEBHOOK_CONTAINER], where, f"the only container must be {WEBHOOK_CONTAINER}")
    report.check(not pod.get("initContainers") and not pod.get("ephemeralContainers"), where, "no other containers")
    container = containers[0] if containers else {}
    cwhere = f"{where} container {WEBHOOK_CONTAINER}"
    check_powerless(container, cwhere, report)
    report.check((container.get("securityContext") or {}).get("runAsUser") != 0, cwhere, "the container must not run as root")
    check_resources(container, cwhere, report)
    check_image(container, cwhere, report)
    report.check(not container.get("command"), cwhere, "command overrides the image's entrypoint")
    flags = parse_flags(container.get("args", []), "webhook", WEBHOOK_FLAGS, cwhere, report)
    env = {e.get("name"): str(e.get("value", "")) for e in container.get("env", [])}
    listen = flags.get("listen", "").replace("$(WEBHOOK_PORT)", env.get("WEBHOOK_PORT", ""))
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    port = ports.get("webhook-https")
    report.check(port is not None and listen in {f"0.0.0.0:{port}", f"[::]:{port}"}, cwhere,
                 f"--listen must be a wildcard address on the containerPort webhook-https ({port}), got {listen!r}")
    for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
        http_get = (container.get(probe_name) or {}).get("httpGet") or {}
        report.check(http_get.get("scheme") == "HTTPS" and http_get.get("path") == "/healthz"
                     and http_get.get("port") in ("webhook-https", port), cwhere,
                     f"{probe_name} must be an HTTPS GET of /healthz on webhook-https")
    # Nothing from the host, and of the Secret only the serving pair (never the CA's key).
    mounts = {m.get("name"): m for m in container.get("volumeMounts", [])}
    for volume in pod.get("volumes", []):
        vwhere = f"{where} volume {volume.get('name')}"
        secret = volume.get("secret")
        if not report.check(secret is not None and set(volume) == {"name", "secret"}, vwhere, "only a Secret volume is allowed"):
            continue
        items = {i.get("key"): i.get("path") for i in secret.get("items") or []}
        report.check(items == {"tls.crt": "tls.crt", "tls.key": "tls.key"}, vwhere,
                     "must mount exactly tls.crt and tls.key (never ca.key)")
        report.check(secret.get("secretName") == flags.get("certificate-secret"), vwhere, "must be the --certificate-secret")
        mount = mounts.get(volume.get("name")) or {}
        report.check(mount.get("readOnly") is True, vwhere, "must be mounted read-only")
        directory = mount.get("mountPath", "").rstrip("/")
        report.check(flags.get("tls-cert-file") == f"{directory}/tls.crt" and flags.get("tls-private-key-file") == f"{directory}/tls.key",
                     vwhere, "--tls-cert-file and --tls-private-key-file must be the mounted tls.crt and tls.key")
    report.check(bool(pod.get("volumes")), where, "the serving certificate must come from the Secret volume")
    return pod, flags, port


def check_webhook_configuration(configuration: dict, namespace: str, flags: dict[str, str], service: dict,
                                where: str, report: Report) -> None:
    webhooks = configuration.get("webhooks", [])
    if not report.check(len(webhooks) == 1, where, f"expected one webhook, found {len(webhooks)}"):
        return
    webhook = webhooks[0]
    report.check(webhook.get("sideEffects") == "None", where, "sideEffects must be None")
    report.check(webhook.get("admissionReviewVersions") == ["v1"], where, "admissionReviewVersions must be [v1]")
    report.check(isinstance(webhook.get("timeoutSeconds"), int) and 1 <= webhook["timeoutSeconds"] <= 5, where,
                 "timeoutSeconds must be set, 5 at most")
    report.check(webhook.get("failurePolicy") in ("Fail", "Ignore"), where, "failurePolicy must be chosen explicitly (docs/webhook.md)")
    client = webhook.get("clientConfig") or {}
    report.check("caBundle" not in client, where, "caBundle must not be in the manifest: the webhook keeps it (--certificate-secret)")
    target = client.get("service") or {}
    service_port = next((p.get("port") for p in service.get("spec", {}).get("ports", [])), None)
    report.check(target.get("name") == service.get("metadata", {}).get("name") == flags.get("service-name")
                 and target.get("namespace") == namespace and target.get("port", 443) == service_port, where,
                 "clientConfig.service must be the install's Service (and --service-name), on its port")
    report.check(target.get("path") == flags.get("path", "/validate-eni-config"), where, "clientConfig.service.path must be --path")
    report.check(configuration.get("metadata", {}).get("name") == flags.get("webhook-configuration-name"), where,
                 "the configuration's name must be --webhook-configuration-name")
    rules = webhook.get("rules", [])
    report.check(len(rules) == 1 and rules[0].get("apiGroups") == [""] and rules[0].get("apiVersions") == ["v1"]
                 and rules[0].get("resources") == ["configmaps"] and rules[0].get("scope") == "Namespaced"
                 and set(rules[0].get("operations", [])) <= {"CREATE", "UPDATE", "DELETE"}, where,
                 "the one rule must cover core/v1 configmaps (Namespaced), CREATE/UPDATE/DELETE at most")
    report.check((webhook.get("namespaceSelector") or {}).get("matchLabels") == {"kubernetes.io/metadata.name": namespace}, where,
                 f"namespaceSelector must select the namespace {namespace} only")
    expected = f"request.namespace == '{namespace}' && request.name == '{flags.get('configmap-name')}'"
    report.check([c.get("expression") for c in webhook.get("matchConditions", [])] == [expected], where,
                 f"matchConditions must be exactly [{expected!r}]: only the one ConfigMap reaches the webhook")


def check_webhook_rbac(objects: list[dict], namespace: str, service_account: str, secret: str, configuration: str,
                       where: str, report: Report) -> None:
    expected = {
        "Role": {("", "secrets", verb, secret) for verb in ("get", "patch")},
        "ClusterRole": {("admissionregistration.k8s.io", "validatingwebhookconfigurations", verb, configuration) for verb in ("get", "patch")},
    }
    for kind, grants_expected in expected.items():
        for role in [o for o in objects if o.get("kind") == kind]:
            role_where = f"{where} {name_of(role)}"
            grants = role_grants(role, role_where, report, own_secret=secret)
            report.check(grants == grants_expected, role_where,
                         f"must grant exactly get/patch on its one object; extra: {sorted(grants - grants_expected, key=str)}, "
                         f"missing: {sorted(grants_expected - grants, key=str)}")
    for kind, role_kind in (("RoleBinding", "Role"), ("ClusterRoleBinding", "ClusterRole")):
        for binding in [o for o in objects if o.get("kind") == kind]:
            binding_where = f"{where} {name_of(binding)}"
            ref = binding.get("roleRef", {})
            report.check(ref.get("kind") == role_kind and any(o.get("kind") == role_kind and o["metadata"]["name"] == ref.get("name") for o in objects),
                         binding_where, f"must reference the install's {role_kind}")
            subjects = binding.get("subjects", [])
            report.check(subjects == [{"kind": "ServiceAccount", "name": service_account, "namespace": namespace}], binding_where,
                         f"must bind only ServiceAccount {namespace}/{service_account}")


def check_webhook(objects: list[dict], path: str, report: Report) -> None:
    kinds = [o.get("kind") for o in objects]
    for kind in sorted(WEBHOOK_KINDS):
        report.check(kinds.count(kind) == 1, path, f"the webhook install must have exactly one {kind}, has {kinds.count(kind)}")
    for obj in objects:
        report.check(obj.get("kind") in WEBHOOK_KINDS, path, f"{name_of(obj)}: kind not allowed in the webhook install")
    if any(kinds.count(kind) != 1 for kind in WEBHOOK_KINDS):
        return
    one = {o["kind"]: o for o in objects}
    deployment = one["Deployment"]
    where = f"{path} {name_of(deployment)}"
    namespace = deployment.get("metadata", {}).get("namespace")
    for obj in objects:
        scoped = obj.get("metadata", {}).get("namespace")
        if obj["kind"] in CLUSTER_SCOPED:
            report.check(scoped is None, path, f"{name_of(obj)}: cluster-scoped, must have no namespace")
        else:
            report.check(scoped == namespace, path, f"{name_of(obj)}: must be in namespace {namespace}")
    pod, flags, port = check_webhook_pod(deployment, where, report)
    report.check(flags.get("namespace") == namespace, where, "--namespace must be the install's namespace")
    pod_labels = deployment["spec"]["template"].get("metadata", {}).get("labels") or {}
    service_account = pod.get("serviceAccountName", "default")
    report.check(one["ServiceAccount"]["metadata"]["name"] == service_account, path, "the pod must use the install's ServiceAccount")
    pdb = one["PodDisruptionBudget"]
    pdb_spec = pdb.get("spec", {})
    report.check(selects(pdb_spec.get("selector"), pod_labels), path, "the PodDisruptionBudget must select the webhook's pods")
    report.check(isinstance(pdb_spec.get("minAvailable"), int) and 1 <= pdb_spec["minAvailable"] < (deployment["spec"].get("replicas") or 1),
                 path, "the PodDisruptionBudget's minAvailable must keep one replica and let one go")
    service = one["Service"]
    service_spec = service.get("spec", {})
    report.check(service_spec.get("selector") and all(pod_labels.get(k) == v for k, v in service_spec["selector"].items()), path,
                 "the Service must select the webhook's pods")
    report.check([p.get("targetPort") for p in service_spec.get("ports", [])] in (["webhook-https"], [port]), path,
                 "the Service must target the container's webhook-https port")
    secret = one["Secret"]
    report.check(secret["metadata"]["name"] == flags.get("certificate-secret"), path, "the Secret must be --certificate-secret")
    report.check(secret.get("type") == "Opaque" and not secret.get("data") and not secret.get("stringData"), path,
                 "the Secret must be an empty Opaque one: certificates are issued in the cluster, never shipped")
    check_webhook_configuration(one["ValidatingWebhookConfiguration"], namespace, flags, service,
                                f"{path} {name_of(one['ValidatingWebhookConfiguration'])}", report)
    check_webhook_rbac(objects, namespace, service_account, secret["metadata"]["name"],
                       one["ValidatingWebhookConfiguration"]["metadata"]["name"], path, report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--install", nargs="*", default=[], metavar="FILE")
    parser.add_argument("--webhook", nargs="*", default=[], metavar="FILE")
    parser.add_argument("--sidecar", nargs=2, action="append", default=[], metavar=("RBAC_FILE", "DS_FILE"))
    options = parser.parse_args()
    report = Report()
    for path in options.install:
        check_install(path, report)
    for path in options.webhook:
        check_webhook(load_objects(path), path, report)
    for rbac_path, daemonset_path in options.sidecar:
        check_sidecar(rbac_path, daemonset_path, report)
    for finding in report.findings:
        print(f"FINDING {finding}")
    checked = len(options.install) + len(options.webhook) + len(options.sidecar)
    print(f"policy: {checked} installs checked, {len(report.findings)} findings")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
