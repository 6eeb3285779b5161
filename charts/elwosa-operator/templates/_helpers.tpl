{{/* Chart name (nameOverride). */}}
{{- define "elwosa-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: fullnameOverride, else <release>-<name>, or the release name when it contains the name. */}}
{{- define "elwosa-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "elwosa-operator.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "elwosa-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "elwosa-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: elwosa
{{- end -}}

{{/* Selector labels of the operator pods (immutable in the Deployment: never add to them). */}}
{{- define "elwosa-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "elwosa-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "elwosa-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "elwosa-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The operator image: repository@digest, else repository:tag (tag defaults to appVersion). */}}
{{- define "elwosa-operator.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Node.js needs at least 256 Mi: refuse a lower memory limit (or request, when no limit is set). */}}
{{- define "elwosa-operator.checkMemory" -}}
{{- $resources := .Values.resources | default dict -}}
{{- $memory := dig "limits" "memory" (dig "requests" "memory" "" $resources) $resources | toString -}}
{{- if $memory -}}
{{- $number := regexFind "^[0-9.]+" $memory -}}
{{- $suffix := trimPrefix $number $memory -}}
{{- $units := dict "" 1.0 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 -}}
{{- if or (not $number) (not (hasKey $units $suffix)) -}}
{{- fail (printf "resources memory %q is not a quantity the chart understands (use e.g. 384Mi)" $memory) -}}
{{- end -}}
{{- if lt (mulf (float64 $number) (get $units $suffix)) 268435456.0 -}}
{{- fail (printf "resources memory %s is below 256Mi: the operator (Node.js) needs at least 256Mi" $memory) -}}
{{- end -}}
{{- end -}}
{{- end -}}
