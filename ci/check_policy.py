#!/usr/bin/env python3
"""Security review of rendered installs, as a check that fails on any finding.

    check_policy.py --install FILE...              a whole install (kustomize, Helm)
    check_policy.py --sidecar RBAC_FILE DS_FILE    the terway-sidecar overlay: its RBAC
                                                   and Terway's DaemonSet once patched

What it asserts, for the agent's container and what the install grants it:
least privilege in RBAC (exactly the Role below, no wildcards, no secrets,
nothing cluster-scoped), no privileged container, every capability dropped, no
host path beyond the five the agent needs and the CNI directory never through a
subPath, probes on the agent's port, and the command line of the CLI contract.
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


def parse_run_args(args: list[str], where: str, report: Report) -> dict[str, str]:
    report.check(bool(args) and args[0] == "run", where, f"args must start with the subcommand 'run', got {args[:1]}")
    flags: dict[str, str] = {}
    for arg in args[1:]:
        key, sep, value = arg.partition("=")
        flag = key.removeprefix("--")
        if not report.check(key.startswith("--") and sep == "=", where, f"argument {arg!r} is not --flag=value"):
            continue
        report.check(flag in RUN_FLAGS, where, f"--{flag} is not a flag of `eni-config-agent run`")
        report.check(flag not in flags, where, f"--{flag} is given twice")
        flags[flag] = value
    return flags


def check_command_line(container: dict, where: str, report: Report) -> dict[str, str]:
    flags = parse_run_args(container.get("args", []), where, report)
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


def check_security_context(container: dict, where: str, report: Report) -> None:
    sc = container.get("securityContext") or {}
    caps = sc.get("capabilities") or {}
    report.check(sc.get("privileged") is not True, where, "container is privileged")
    report.check(sc.get("allowPrivilegeEscalation") is False, where, "allowPrivilegeEscalation must be false")
    report.check(caps.get("drop") == ["ALL"], where, f"capabilities.drop must be [ALL], got {caps.get('drop')}")
    report.check(not caps.get("add"), where, f"no capability may be added, got {caps.get('add')}")
    report.check(sc.get("readOnlyRootFilesystem") is True, where, "readOnlyRootFilesystem must be true")
    report.check((sc.get("seccompProfile") or {}).get("type") == "RuntimeDefault", where, "seccompProfile must be RuntimeDefault")
    report.check(sc.get("procMount") in (None, "Default"), where, "procMount must be Default")
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


def role_grants(role: dict, where: str, report: Report) -> set[tuple[str, str, str, str | None]]:
    grants = set()
    for rule in role.get("rules", []):
        report.check("nonResourceURLs" not in rule, where, "grants nonResourceURLs")
        values = [*rule.get("apiGroups", []), *rule.get("resources", []), *rule.get("verbs", []),
                  *rule.get("resourceNames", [])]
        report.check("*" not in values, where, f"wildcard in rule {rule}")
        report.check("secrets" not in rule.get("resources", []), where, "grants access to secrets")
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


def check_install(path: str, report: Report) -> None:
    objects = load_objects(path)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--install", nargs="*", default=[], metavar="FILE")
    parser.add_argument("--sidecar", nargs=2, action="append", default=[], metavar=("RBAC_FILE", "DS_FILE"))
    options = parser.parse_args()
    report = Report()
    for path in options.install:
        check_install(path, report)
    for rbac_path, daemonset_path in options.sidecar:
        check_sidecar(rbac_path, daemonset_path, report)
    for finding in report.findings:
        print(f"FINDING {finding}")
    checked = len(options.install) + len(options.sidecar)
    print(f"policy: {checked} installs checked, {len(report.findings)} findings")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
