{{- define "nestor.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "nestor.labels" -}}
app.kubernetes.io/name: nestor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one process: (dict "root" $ "process" "bot") */}}
{{- define "nestor.selector" -}}
app.kubernetes.io/name: nestor
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .process }}
{{- end -}}

{{- define "nestor.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "nestor.workerServiceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{ .Values.serviceAccount.name | default (printf "%s-worker" (include "nestor.fullname" .)) }}
{{- else -}}
{{ required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{- define "nestor.secret" -}}
{{ required "existingSecret is required: the name of a Secret holding SLACK_BOT_TOKEN and the other secret settings" .Values.existingSecret }}
{{- end -}}

{{/* One env var from existingSecret: (dict "root" $ "key" "SLACK_BOT_TOKEN" "optional" true) */}}
{{- define "nestor.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "nestor.secret" .root }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* The settings every process reads: Slack's token, Redis, the repositories, state, health. */}}
{{- define "nestor.commonEnv" -}}
{{- $v := .Values -}}
{{- if and $v.redis.internal.enabled (or $v.redis.url $v.redis.urlFromSecret $v.redis.sentinel.sentinels) }}
{{- fail "redis: redis.internal.enabled is true: set it false to use redis.url, redis.urlFromSecret or redis.sentinel" }}
{{- end }}
{{ include "nestor.secretEnv" (dict "root" . "key" "SLACK_BOT_TOKEN") }}
{{ include "nestor.secretEnv" (dict "root" . "key" "NESTOR_HISTORY_KEY" "optional" true) }}
{{- if $v.redis.urlFromSecret }}
{{ include "nestor.secretEnv" (dict "root" . "key" "REDIS_URL") }}
{{- else }}
- name: REDIS_URL
  {{- if $v.redis.internal.enabled }}
  value: {{ printf "redis://%s-redis:6379/0" (include "nestor.fullname" .) | quote }}
  {{- else if $v.redis.sentinel.sentinels }}
  value: {{ printf "redis://%s/%v" $v.redis.sentinel.masterName $v.redis.sentinel.db | quote }}
  {{- else }}
  value: {{ required "redis: set redis.url, redis.sentinel.sentinels, redis.internal.enabled or redis.urlFromSecret" $v.redis.url | quote }}
  {{- end }}
{{- end }}
{{- if $v.redis.sentinel.sentinels }}
- name: NESTOR_REDIS_SENTINELS
  value: {{ join "," $v.redis.sentinel.sentinels | quote }}
{{ include "nestor.secretEnv" (dict "root" . "key" "NESTOR_REDIS_SENTINEL_PASSWORD" "optional" true) }}
{{- end }}
- name: NESTOR_CONFIG
  value: {{ required "config: the nestor-config repository URL" $v.config | quote }}
- name: NESTOR_HISTORY
  value: {{ required "history: the release history repository URL" $v.history | quote }}
- name: NESTOR_STATE
  value: /home/nestor/state
- name: NESTOR_HEALTH_PORT
  value: {{ $v.health.port | quote }}
{{- range $name, $value := $v.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- range $v.configEnvKeys }}
{{ include "nestor.secretEnv" (dict "root" $ "key" .) }}
{{- end }}
{{- end -}}

{{- define "nestor.podAnnotations" -}}
{{- if .Values.metrics.annotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.health.port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{- define "nestor.probes" -}}
livenessProbe:
  httpGet: { path: /healthz, port: health }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /readyz, port: health }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
startupProbe:
  httpGet: { path: /healthz, port: health }
  periodSeconds: 2
  failureThreshold: 60
{{- end -}}

{{/* Volumes every process mounts: the ssh key and a /tmp. */}}
{{- define "nestor.sshVolume" -}}
{{- if .Values.ssh.existingSecret -}}
# Owned by root, readable by the pod's fsGroup (Nestor's group): ssh accepts a key it does not
# own whatever its group bits, and refuses one it owns that others may read.
- name: ssh
  secret:
    secretName: {{ .Values.ssh.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "nestor.sshMount" -}}
{{- if .Values.ssh.existingSecret -}}
- name: ssh
  mountPath: /home/nestor/.ssh
  readOnly: true
{{- end }}
{{- end -}}

{{/* The pod-level settings of one process: (dict "root" $ "p" .Values.bot) */}}
{{- define "nestor.podPlacement" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .p.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .p.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .p.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A PodDisruptionBudget of one process: (dict "root" $ "p" .Values.bot "process" "bot") */}}
{{- define "nestor.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "nestor.fullname" .root }}-{{ .process }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "nestor.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .process }}
spec:
  {{- toYaml .p.pdb | nindent 2 }}
  selector:
    matchLabels:
      {{- include "nestor.selector" (dict "root" .root "process" .process) | nindent 6 }}
{{- end -}}
