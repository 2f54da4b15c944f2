{{/* Names and labels, as `helm create` lays them out. */}}
{{- define "butler-portal.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "butler-portal.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "butler-portal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "butler-portal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "butler-portal.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "butler-portal.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "butler-portal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "butler-portal.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "butler-portal.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The Secret the chart writes for secrets given as values (never rendered when every secret
comes from an existingSecret). Each entry: the env var it feeds and the value.
*/}}
{{- define "butler-portal.ownSecretName" -}}
{{- printf "%s-secrets" (include "butler-portal.fullname" .) -}}
{{- end -}}

{{- define "butler-portal.ownSecretData" -}}
{{- $data := dict -}}
{{- if and (not .Values.postgresql.existingSecret) .Values.postgresql.password -}}
{{- $_ := set $data "postgres-password" .Values.postgresql.password -}}
{{- end -}}
{{- if not .Values.backend.existingSecret -}}
{{- if .Values.backend.backendSecret -}}{{- $_ := set $data "backend-secret" .Values.backend.backendSecret -}}{{- end -}}
{{- if .Values.backend.sessionSecret -}}{{- $_ := set $data "session-secret" .Values.backend.sessionSecret -}}{{- end -}}
{{- if .Values.backend.registrySigningSecret -}}{{- $_ := set $data "registry-signing-secret" .Values.backend.registrySigningSecret -}}{{- end -}}
{{- end -}}
{{- if and (not .Values.oidc.existingSecret) .Values.oidc.clientSecret -}}
{{- $_ := set $data "oidc-client-secret" .Values.oidc.clientSecret -}}
{{- end -}}
{{- toJson $data -}}
{{- end -}}

{{/*
An env var read from a Secret: the existingSecret's key when one is named, else the chart's own
Secret's key, else a rendering error naming the values to set.
Arguments: list <root> <env name> <existingSecret> <its key> <own-Secret key> <own value> <what to set>
*/}}
{{- define "butler-portal.secretEnv" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $existing := index . 2 -}}
{{- $key := index . 3 -}}
{{- $ownKey := index . 4 -}}
{{- $own := index . 5 -}}
{{- $hint := index . 6 -}}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
{{- if $existing }}
      name: {{ $existing | quote }}
      key: {{ $key | quote }}
{{- else if $own }}
      name: {{ include "butler-portal.ownSecretName" $root | quote }}
      key: {{ $ownKey | quote }}
{{- else }}
{{- fail (printf "%s: set %s" $name $hint) }}
{{- end }}
{{- end -}}

{{/*
Refuses literal secrets in the config values: a key ending in secret, token, password,
privateKey or apiKey must hold a ${NAME} reference (or $env/$file), so that the ConfigMap never
carries one. The error names the key, never the value.
Argument: dict "path" <where> "value" <node>
*/}}
{{- define "butler-portal.noLiteralSecrets" -}}
{{- $path := .path -}}
{{- if kindIs "map" .value -}}
{{- range $k, $v := .value -}}
{{- $p := printf "%s.%s" $path $k -}}
{{- /* nested: Go templates of helm 3.6 evaluate every operand of `and` */ -}}
{{- if kindIs "string" $v -}}
{{- if and (ne $v "") (regexMatch "(?i)(secret|token|password|privatekey|apikey)$" $k) (not (regexMatch "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$" $v)) -}}
{{- fail (printf "%s holds a literal secret: put it in a Secret, expose it with extraSecretEnv and write ${NAME} here" $p) -}}
{{- end -}}
{{- end -}}
{{- include "butler-portal.noLiteralSecrets" (dict "path" $p "value" $v) -}}
{{- end -}}
{{- else if kindIs "slice" .value -}}
{{- range $i, $v := .value -}}
{{- include "butler-portal.noLiteralSecrets" (dict "path" (printf "%s[%d]" $path $i) "value" $v) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The app-config the ConfigMap holds, from the values (see values.yaml). */}}
{{- define "butler-portal.appConfig" -}}
{{- $cfg := dict -}}
{{- range $key := list "gitops" "butler" "integrations" "catalog" -}}
{{- $value := index $.Values $key -}}
{{- include "butler-portal.noLiteralSecrets" (dict "path" $key "value" $value) -}}
{{- if $value -}}{{- $_ := set $cfg $key (deepCopy $value) -}}{{- end -}}
{{- end -}}
{{- include "butler-portal.noLiteralSecrets" (dict "path" "appConfig" "value" .Values.appConfig) -}}
{{- $cfg = mergeOverwrite $cfg (deepCopy .Values.appConfig) -}}
{{- $auth := get $cfg "auth" -}}
{{- if kindIs "map" $auth -}}
{{- $providers := get $auth "providers" -}}
{{- if kindIs "map" $providers -}}
{{- if hasKey $providers "guest" -}}
{{- fail "appConfig.auth.providers.guest: there is no guest sign-in in production (it belongs to the embedded defaults only)" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}
