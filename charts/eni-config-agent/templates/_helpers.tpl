{{/* Labels of every object. The selector uses only app.kubernetes.io/name. */}}
{{- define "eni-config-agent.labels" -}}
app.kubernetes.io/name: eni-config-agent
app.kubernetes.io/component: node-agent
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end }}

{{/* Labels of the webhook's objects. Its own name: the agent's DaemonSet selects
app.kubernetes.io/name=eni-config-agent, and operators list agents by it. */}}
{{- define "eni-config-agent.webhookLabels" -}}
app.kubernetes.io/name: eni-config-webhook
app.kubernetes.io/part-of: eni-config-agent
app.kubernetes.io/component: webhook
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end }}
