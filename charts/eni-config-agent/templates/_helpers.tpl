{{/* Labels of every object. The selector uses only app.kubernetes.io/name. */}}
{{- define "eni-config-agent.labels" -}}
app.kubernetes.io/name: eni-config-agent
app.kubernetes.io/component: node-agent
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end }}
