#!/usr/bin/env python3
"""Renders the Helm chart offline with real Helm (helm-python-sdk), checks it.

    render_chart.py CHART_DIR OUT_DIR

- `helm lint --strict` for each supported Kubernetes version;
- renders each value set below to OUT_DIR/<name>.yaml (one stream, as
  `helm template` prints it) and checks that the values took effect;
- renders each bad value set and expects values.schema.json to reject it.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import yaml
from helm_python import HelmValuesError, lint
from helm_python.chart import Chart

RELEASE, NAMESPACE = "eni-config-agent", "kube-system"
KUBE_VERSIONS = ("v1.28.0", "v1.31.0")
Objects = list[dict]


def daemonset(objects: Objects) -> dict:
    return next(o for o in objects if o["kind"] == "DaemonSet")


def agent(objects: Objects) -> dict:
    return daemonset(objects)["spec"]["template"]["spec"]["containers"][0]


def has_arg(arg: str) -> Callable[[Objects], bool]:
    return lambda objects: arg in agent(objects)["args"]


def has_configmap(objects: Objects) -> bool:
    return any(o["kind"] == "ConfigMap" for o in objects)


def the(kind: str, objects: Objects) -> dict:
    return next(o for o in objects if o["kind"] == kind)


def has_webhook(objects: Objects) -> bool:
    return any(o["kind"] == "ValidatingWebhookConfiguration" for o in objects)


def webhook_entry(objects: Objects) -> dict:
    return the("ValidatingWebhookConfiguration", objects)["webhooks"][0]


def webhook_args(objects: Objects) -> list[str]:
    return the("Deployment", objects)["spec"]["template"]["spec"]["containers"][0]["args"]


# name -> (values, [(what must hold, check)])
VALUE_SETS: dict[str, tuple[dict, list[tuple[str, Callable[[Objects], bool]]]]] = {
    "default": ({}, [
        ("on-start mode", has_arg("--apply=on-start")),
        ("the example ConfigMap", has_configmap),
        ("DaemonSet terway-eniip", lambda o: daemonset(o)["metadata"]["name"] == "terway-eniip"),
        ("no webhook by default", lambda o: not has_webhook(o) and not any(o2["kind"] == "Deployment" for o2 in o)),
    ]),
    "webhook": ({"webhook": {"enabled": True}}, [
        ("the webhook configuration", has_webhook),
        ("failurePolicy Fail", lambda o: webhook_entry(o)["failurePolicy"] == "Fail"),
        ("two replicas", lambda o: the("Deployment", o)["spec"]["replicas"] == 2),
        ("the agent as well", lambda o: daemonset(o)["metadata"]["name"] == "terway-eniip"),
    ]),
    "webhook-custom": ({
        "configMapName": "eni-config-canary",
        "logFormat": "text",
        "webhook": {"enabled": True, "replicas": 3, "port": 10300, "failurePolicy": "Ignore", "timeoutSeconds": 3,
                    "resources": {"requests": {"cpu": "20m", "memory": "40Mi"}, "limits": {"memory": "96Mi"}},
                    "tolerations": [{"operator": "Exists"}], "priorityClassName": "system-node-critical"},
    }, [
        ("the ConfigMap name in matchConditions", lambda o: webhook_entry(o)["matchConditions"][0]["expression"]
         == "request.namespace == 'kube-system' && request.name == 'eni-config-canary'"),
        ("the ConfigMap name in the arguments", lambda o: "--configmap-name=eni-config-canary" in webhook_args(o)),
        ("failurePolicy Ignore", lambda o: webhook_entry(o)["failurePolicy"] == "Ignore"),
        ("the timeout", lambda o: webhook_entry(o)["timeoutSeconds"] == 3),
        ("the replicas", lambda o: the("Deployment", o)["spec"]["replicas"] == 3),
        ("the port", lambda o: the("Deployment", o)["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == 10300),
        ("the resources", lambda o: the("Deployment", o)["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
         == {"memory": "96Mi"}),
        ("the priority class", lambda o: the("Deployment", o)["spec"]["template"]["spec"]["priorityClassName"] == "system-node-critical"),
    ]),
    "live": ({"applyMode": "live"}, [("live mode", has_arg("--apply=live"))]),
    "no-example-configmap": ({"createExampleConfigMap": False}, [
        ("no ConfigMap", lambda o: not has_configmap(o)),
    ]),
    "custom": ({
        "daemonSetName": "eni-config-agent",
        "image": {"repository": "registry.example.com/acs/eni-config-agent", "tag": "0.2.0", "pullPolicy": "Always"},
        "listen": {"address": "[::]", "port": 10300},
        "logFormat": "text",
        "maxUnavailable": "10%",
        "resources": {"requests": {"cpu": "20m", "memory": "40Mi"}, "limits": {"memory": "80Mi"}},
        "tolerations": [{"operator": "Exists"},
                        {"key": "example.com/dedicated", "operator": "Equal", "value": "cni", "effect": "NoSchedule"}],
    }, [
        ("the DaemonSet name", lambda o: daemonset(o)["metadata"]["name"] == "eni-config-agent"),
        ("the image", lambda o: agent(o)["image"] == "registry.example.com/acs/eni-config-agent:0.2.0"
         and agent(o)["imagePullPolicy"] == "Always"),
        ("the listen address", has_arg("--listen=[::]:$(LISTEN_PORT)")),
        ("the port", lambda o: agent(o)["ports"][0]["containerPort"] == 10300
         and {"name": "LISTEN_PORT", "value": "10300"} in agent(o)["env"]),
        ("the log format", has_arg("--log-format=text")),
        ("maxUnavailable", lambda o: daemonset(o)["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] == "10%"),
        ("the resources", lambda o: agent(o)["resources"]["limits"] == {"memory": "80Mi"}),
        ("the tolerations", lambda o: len(daemonset(o)["spec"]["template"]["spec"]["tolerations"]) == 2),
    ]),
}

# values the schema must refuse: (why, values)
BAD_VALUES: list[tuple[str, dict]] = [
    ("unknown apply mode", {"applyMode": "sometimes"}),
    ("unknown top-level key", {"replicas": 2}),
    ("unknown nested key", {"paths": {"hostRoot": "/"}}),
    ("relative host path", {"paths": {"cniDir": "etc/cni/net.d"}}),
    ("host path with ..", {"paths": {"stateDir": "/var/lib/../../etc"}}),
    ("port out of range", {"listen": {"port": 70000}}),
    ("port as a string", {"listen": {"port": "10290"}}),
    ("non-wildcard listen address", {"listen": {"address": "127.0.0.1"}}),
    ("unknown log format", {"logFormat": "xml"}),
    ("maxUnavailable zero", {"maxUnavailable": 0}),
    ("maxUnavailable 0%", {"maxUnavailable": "0%"}),
    ("no memory limit", {"resources": {"limits": None}}),
    ("unknown toleration field", {"tolerations": [{"operator": "Exists", "tolerate": "all"}]}),
    ("createExampleConfigMap as a string", {"createExampleConfigMap": "yes"}),
    ("bad pull policy", {"image": {"pullPolicy": "Sometimes"}}),
    ("webhook timeout over 5 s", {"webhook": {"timeoutSeconds": 10}}),
    ("unknown failurePolicy", {"webhook": {"failurePolicy": "Sometimes"}}),
    ("a single webhook replica", {"webhook": {"replicas": 1}}),
    ("a caBundle value", {"webhook": {"caBundle": "LS0t"}}),
    ("webhook.enabled as a string", {"webhook": {"enabled": "true"}}),
    ("webhook without a memory limit", {"webhook": {"resources": {"limits": None}}}),
]


def lint_findings(chart_dir: str) -> list[str]:
    findings = []
    for kube_version in KUBE_VERSIONS:
        report = lint(chart_dir, strict=True, kube_version=kube_version)
        findings += [f"helm lint ({kube_version}): {e}" for e in report.get("errors", [])]
        findings += [f"helm lint ({kube_version}): {m['path']}: {m['error']}"
                     for m in report.get("messages", []) if m["severity"] >= 2]
    return findings


def as_stream(manifests: dict[str, str]) -> str:
    """The rendered templates as one YAML stream, in `helm template`'s shape."""
    documents = [f"---\n# Source: {path}\n{text.strip()}\n"
                 for path, text in sorted(manifests.items())
                 if path.endswith(".yaml") and text.strip()]
    return "".join(documents)


def render_value_sets(chart: Chart, out_dir: Path) -> list[str]:
    findings = []
    for name, (values, expectations) in VALUE_SETS.items():
        stream = as_stream(chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True))
        (out_dir / f"{name}.yaml").write_text(stream, encoding="utf-8")
        objects = [doc for doc in yaml.safe_load_all(stream) if doc]
        findings += [f"value set {name!r}: the render does not reflect {what}"
                     for what, holds in expectations if not holds(objects)]
    return findings


def schema_findings(chart: Chart) -> list[str]:
    findings = []
    for why, values in BAD_VALUES:
        try:
            chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
            findings.append(f"values.schema.json accepts bad values ({why}): {values}")
        except HelmValuesError:
            pass
    return findings


def main(chart_dir: str, out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    findings = lint_findings(chart_dir)
    with Chart.load(chart_dir) as chart:
        findings += render_value_sets(chart, out)
        findings += schema_findings(chart)
    for finding in findings:
        print(f"FINDING {finding}")
    print(f"helm: {len(VALUE_SETS)} value sets rendered, {len(BAD_VALUES)} bad value sets tried, "
          f"{len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
