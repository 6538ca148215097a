#!/usr/bin/env python3
"""The three ways in must install the same agent.

    check_same_install.py KUSTOMIZE_DEFAULT HELM_DEFAULT TERWAY_FIXTURE PATCHED_TERWAY \
                          KUSTOMIZE_WEBHOOK HELM_WEBHOOK

- the chart with default values renders the same objects as `kubectl kustomize
  deploy`, but for the labels and the annotation that only Helm reads;
- the terway-sidecar patch adds the very container and volumes of deploy/ (but for
  --coexist=terway), and leaves Terway's own containers and volumes as they were;
- the chart with webhook.enabled renders the same webhook objects as
  `kubectl kustomize deploy/webhook`.
"""
from __future__ import annotations

import sys

import yaml

HELM_ONLY_LABELS = {"helm.sh/chart", "app.kubernetes.io/managed-by"}
HELM_ONLY_ANNOTATIONS = {"helm.sh/resource-policy"}
AGENT_CONTAINER = "eni-config-agent"


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc]


def without_helm_metadata(node):
    """A copy of node without the labels and annotations that only mean something to Helm."""
    helm_only = {"labels": HELM_ONLY_LABELS, "annotations": HELM_ONLY_ANNOTATIONS}
    if isinstance(node, dict):
        stripped = {}
        for key, value in node.items():
            if key in helm_only and isinstance(value, dict):
                value = {k: v for k, v in value.items() if k not in helm_only[key]}
                if not value:
                    continue
            stripped[key] = without_helm_metadata(value)
        return stripped
    if isinstance(node, list):
        return [without_helm_metadata(item) for item in node]
    return node


def differences(left, right, path: str = "") -> list[str]:
    if isinstance(left, dict) and isinstance(right, dict):
        return [d for key in sorted(set(left) | set(right), key=str)
                for d in differences(left.get(key), right.get(key), f"{path}.{key}")]
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [d for i, (a, b) in enumerate(zip(left, right)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if left == right else [f"{path or '.'}: {left!r} vs {right!r}"]


def by_identity(objects: list[dict]) -> dict[str, dict]:
    return {f"{o['kind']}/{o['metadata'].get('namespace')}/{o['metadata']['name']}": o for o in objects}


def kustomize_vs_helm(kustomize_path: str, helm_path: str, only=lambda obj: True) -> list[str]:
    kustomize = by_identity([o for o in load(kustomize_path) if only(o)])
    helm = by_identity([o for o in without_helm_metadata(load(helm_path)) if only(o)])
    findings = [f"only in {kustomize_path}: {key}" for key in sorted(set(kustomize) - set(helm))]
    findings += [f"only in {helm_path}: {key}" for key in sorted(set(helm) - set(kustomize))]
    for key in sorted(set(kustomize) & set(helm)):
        findings += [f"{key} differs between kustomize and Helm at {d}" for d in differences(kustomize[key], helm[key])]
    return findings


def pod_spec(objects: list[dict]) -> dict:
    return next(o for o in objects if o["kind"] == "DaemonSet")["spec"]["template"]["spec"]


def named(items: list[dict]) -> dict[str, dict]:
    return {item["name"]: item for item in items}


def standalone(container: dict) -> dict:
    """The sidecar's container as the standalone install runs it: beside terwayd it coexists."""
    args = ["--coexist=none" if arg == "--coexist=terway" else arg for arg in container.get("args", [])]
    return {**container, "args": args}


def sidecar_vs_deploy(kustomize_path: str, fixture_path: str, patched_path: str) -> list[str]:
    own, terway, patched = pod_spec(load(kustomize_path)), pod_spec(load(fixture_path)), pod_spec(load(patched_path))
    if "--coexist=terway" not in named(patched["containers"]).get(AGENT_CONTAINER, {}).get("args", []):
        return ["the sidecar patch must run the agent with --coexist=terway"]
    patched["containers"] = [standalone(c) if c["name"] == AGENT_CONTAINER else c for c in patched["containers"]]
    findings = []
    patched_containers = named(patched["containers"])
    expected_containers = {**named(terway["containers"]), AGENT_CONTAINER: named(own["containers"])[AGENT_CONTAINER]}
    if set(patched_containers) != set(expected_containers):
        findings.append(f"patched containers are {sorted(patched_containers)}, expected {sorted(expected_containers)}")
    expected_volumes = {**named(terway["volumes"]), **named(own["volumes"])}
    if set(named(patched["volumes"])) != set(expected_volumes):
        findings.append(f"patched volumes are {sorted(named(patched['volumes']))}, expected {sorted(expected_volumes)}")
    findings += [f"patched container {name} differs at {d}"
                 for name, container in expected_containers.items()
                 for d in differences(container, patched_containers.get(name))]
    findings += [f"patched volume {name} differs at {d}"
                 for name, volume in expected_volumes.items()
                 for d in differences(volume, named(patched["volumes"]).get(name))]
    if patched.get("initContainers") != terway.get("initContainers"):
        findings.append("the patch changed Terway's init containers")
    return findings


def is_webhook_object(obj: dict) -> bool:
    return (obj.get("metadata", {}).get("labels") or {}).get("app.kubernetes.io/component") == "webhook"


def main(kustomize_path: str, helm_path: str, fixture_path: str, patched_path: str,
         webhook_kustomize_path: str, webhook_helm_path: str) -> int:
    findings = kustomize_vs_helm(kustomize_path, helm_path) + sidecar_vs_deploy(kustomize_path, fixture_path, patched_path)
    findings += kustomize_vs_helm(webhook_kustomize_path, webhook_helm_path, only=is_webhook_object)
    for finding in findings:
        print(f"FINDING {finding}")
    print(f"same install: kustomize, Helm, the sidecar patch and the webhook compared, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
