#!/usr/bin/env python3
"""Proves that check_policy.py catches what it claims to: each case breaks one
security point in a clean rendered install and expects a finding that names it.

    check_policy_selftest.py CLEAN_INSTALL_FILE CLEAN_WEBHOOK_FILE
"""
from __future__ import annotations

import copy
import os
import sys
import tempfile
from typing import Callable

import yaml

import check_policy

Objects = list[dict]


def the(objects: Objects, kind: str) -> dict:
    return next(o for o in objects if o["kind"] == kind)


def pod(objects: Objects) -> dict:
    return the(objects, "DaemonSet")["spec"]["template"]["spec"]


def agent(objects: Objects) -> dict:
    return pod(objects)["containers"][0]


def mount(objects: Objects, path: str) -> dict:
    return next(m for m in agent(objects)["volumeMounts"] if m["mountPath"] == path)


def set_arg(objects: Objects, flag: str, value: str) -> None:
    args = agent(objects)["args"]
    args[:] = [a for a in args if not a.startswith(f"--{flag}=")] + [f"--{flag}={value}"]


def add_host_root(objects: Objects) -> None:
    pod(objects)["volumes"].append({"name": "host-root", "hostPath": {"path": "/", "type": "Directory"}})
    agent(objects)["volumeMounts"].append({"name": "host-root", "mountPath": "/host"})


def env(objects: Objects, name: str) -> dict:
    return next(e for e in agent(objects)["env"] if e["name"] == name)


# (what breaks, how, a word the finding must contain)
CASES: list[tuple[str, Callable[[Objects], None], str]] = [
    ("privileged container", lambda o: agent(o)["securityContext"].update(privileged=True), "privileged"),
    ("capabilities kept", lambda o: agent(o)["securityContext"]["capabilities"].update(drop=["NET_RAW"]), "drop"),
    ("capability added", lambda o: agent(o)["securityContext"]["capabilities"].update(add=["NET_ADMIN"]), "capability"),
    ("privilege escalation", lambda o: agent(o)["securityContext"].pop("allowPrivilegeEscalation"), "allowPrivilegeEscalation"),
    ("writable root filesystem", lambda o: agent(o)["securityContext"].update(readOnlyRootFilesystem=False), "readOnlyRootFilesystem"),
    ("no seccomp profile", lambda o: agent(o)["securityContext"].pop("seccompProfile"), "seccompProfile"),
    ("host root mounted", add_host_root, "host path /"),
    ("subPath on the CNI dir", lambda o: mount(o, check_policy.CNI_DIR).update(subPath="10-terway.conflist"), "subPath"),
    ("plugin dir writable", lambda o: mount(o, check_policy.CNI_BIN_DIR).pop("readOnly"), "read-only"),
    ("hostPID", lambda o: pod(o).update(hostPID=True), "hostPID"),
    ("no hostNetwork", lambda o: pod(o).update(hostNetwork=False), "hostNetwork"),
    ("taints not tolerated", lambda o: pod(o).update(tolerations=[{"key": "a", "operator": "Exists"}]), "taint"),
    ("no readiness probe", lambda o: agent(o).pop("readinessProbe"), "readinessProbe"),
    ("liveness on the wrong path", lambda o: agent(o)["livenessProbe"]["httpGet"].update(path="/metrics"), "/healthz"),
    ("port drift", lambda o: env(o, "LISTEN_PORT").update(value="10291"), "LISTEN_PORT"),
    ("no memory limit", lambda o: agent(o)["resources"].pop("limits"), "limits.memory"),
    ("wrong CNI dir", lambda o: set_arg(o, "cni-dir", "/etc/cni"), "--cni-dir"),
    ("flag outside the CLI contract", lambda o: agent(o)["args"].append("--verbose=true"), "--verbose"),
    ("surge on the host port", lambda o: the(o, "DaemonSet")["spec"]["updateStrategy"]["rollingUpdate"].update(maxSurge=1), "maxSurge"),
    ("wildcard verb", lambda o: the(o, "Role")["rules"][0]["verbs"].append("*"), "wildcard"),
    ("secrets readable", lambda o: the(o, "Role")["rules"].append(
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}), "secrets"),
    ("any ConfigMap readable", lambda o: the(o, "Role")["rules"][0].pop("resourceNames"), "exactly"),
    ("cluster-wide role", lambda o: o.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                                              "metadata": {"name": "x"}, "rules": []}), "ClusterRole/x"),
    ("binding to a ClusterRole", lambda o: the(o, "RoleBinding")["roleRef"].update(kind="ClusterRole"), "must reference"),
    ("restartedAt not passed", lambda o: agent(o)["env"].remove(env(o, "ROLLOUT_RESTARTED_AT")), "ROLLOUT_RESTARTED_AT"),
]


def webhook_pod(objects: Objects) -> dict:
    return the(objects, "Deployment")["spec"]["template"]["spec"]


def webhook_entry(objects: Objects) -> dict:
    return the(objects, "ValidatingWebhookConfiguration")["webhooks"][0]


def webhook_volume(objects: Objects) -> dict:
    return webhook_pod(objects)["volumes"][0]["secret"]


WEBHOOK_CASES: list[tuple[str, Callable[[Objects], None], str]] = [
    ("one replica", lambda o: the(o, "Deployment")["spec"].update(replicas=1), "replicas"),
    ("no hostNetwork", lambda o: webhook_pod(o).update(hostNetwork=False), "hostNetwork"),
    ("replicas may share a node", lambda o: webhook_pod(o).pop("affinity"), "podAntiAffinity"),
    ("no system priority", lambda o: webhook_pod(o).update(priorityClassName="default"), "priorityClassName"),
    ("root", lambda o: webhook_pod(o)["securityContext"].update(runAsUser=0), "non-root"),
    ("the CA's key mounted", lambda o: webhook_volume(o)["items"].append({"key": "ca.key", "path": "ca.key"}), "ca.key"),
    ("a host path", lambda o: webhook_pod(o)["volumes"].append({"name": "root", "hostPath": {"path": "/"}}), "only a Secret volume"),
    ("writable root filesystem", lambda o: webhook_pod(o)["containers"][0]["securityContext"].update(readOnlyRootFilesystem=False),
     "readOnlyRootFilesystem"),
    ("flag outside the CLI contract", lambda o: webhook_pod(o)["containers"][0]["args"].append("--verbose=true"), "--verbose"),
    ("a 10 s timeout", lambda o: webhook_entry(o).update(timeoutSeconds=10), "timeoutSeconds"),
    ("side effects", lambda o: webhook_entry(o).update(sideEffects="Some"), "sideEffects"),
    ("v1beta1 reviews", lambda o: webhook_entry(o).update(admissionReviewVersions=["v1", "v1beta1"]), "admissionReviewVersions"),
    ("every ConfigMap in kube-system", lambda o: webhook_entry(o).pop("matchConditions"), "matchConditions"),
    ("every namespace", lambda o: webhook_entry(o).pop("namespaceSelector"), "namespaceSelector"),
    ("every resource", lambda o: webhook_entry(o)["rules"][0].update(resources=["*"]), "configmaps"),
    ("a shipped caBundle", lambda o: webhook_entry(o)["clientConfig"].update(caBundle="LS0t"), "caBundle"),
    ("no failurePolicy chosen", lambda o: webhook_entry(o).pop("failurePolicy"), "failurePolicy"),
    ("any Secret readable", lambda o: the(o, "Role")["rules"][0].pop("resourceNames"), "secrets"),
    ("any webhook configuration patchable", lambda o: the(o, "ClusterRole")["rules"][0].pop("resourceNames"), "exactly"),
    ("a wildcard verb", lambda o: the(o, "ClusterRole")["rules"][0]["verbs"].append("*"), "wildcard"),
    ("bound to another account", lambda o: the(o, "ClusterRoleBinding")["subjects"][0].update(name="default"), "must bind only"),
    ("no PodDisruptionBudget", lambda o: o.remove(the(o, "PodDisruptionBudget")), "PodDisruptionBudget"),
    ("certificates shipped", lambda o: the(o, "Secret").update(data={"tls.key": "LS0t"}), "empty Opaque"),
]


def findings_for(objects: Objects, check: Callable[[str, "check_policy.Report"], None]) -> list[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as out:
        yaml.safe_dump_all(objects, out)
    try:
        report = check_policy.Report()
        check(out.name, report)
        return report.findings
    finally:
        os.unlink(out.name)


def failures(clean_path: str, cases: list, check: Callable[[str, "check_policy.Report"], None]) -> list[str]:
    clean = check_policy.load_objects(clean_path)
    failed = []
    baseline = findings_for(clean, check)
    if baseline:
        failed.append(f"the clean install {clean_path} has findings: {baseline}")
    for what, breaks, expected_word in cases:
        broken = copy.deepcopy(clean)
        breaks(broken)
        findings = findings_for(broken, check)
        if not any(expected_word in f for f in findings):
            failed.append(f"{what}: no finding mentions {expected_word!r}; findings: {findings}")
    return failed


def main(clean_path: str, clean_webhook_path: str) -> int:
    failed = failures(clean_path, CASES, check_policy.check_install)
    failed += failures(clean_webhook_path, WEBHOOK_CASES,
                       lambda path, report: check_policy.check_webhook(check_policy.load_objects(path), path, report))
    for failure in failed:
        print(f"FAILED {failure}")
    total = len(CASES) + len(WEBHOOK_CASES) + 2
    print(f"policy-selftest: {total - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
