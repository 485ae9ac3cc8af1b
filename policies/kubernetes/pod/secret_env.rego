# METADATA
# title: Secrets are not written into container environment variables
# description: >-
#   A password, token or key written as a literal `value` of an environment variable is stored
#   in plain text in the repository, in every copy of the manifest and in the object the API
#   server keeps, where anyone who can read the workload (not only the Secret) sees it. It
#   cannot be rotated without a code change. Referencing a Secret keeps the value out of the
#   manifest and under the access controls of Secrets.
# scope: package
# custom:
#   id: k8s-secret-in-env
#   check: plaintext-secrets
#   severity: high
#   resource_types:
#     - v1/Pod
#     - v1/ReplicationController
#     - apps/v1/Deployment
#     - apps/v1/StatefulSet
#     - apps/v1/DaemonSet
#     - apps/v1/ReplicaSet
#     - apps/v1beta1/Deployment
#     - apps/v1beta1/StatefulSet
#     - apps/v1beta2/Deployment
#     - apps/v1beta2/StatefulSet
#     - apps/v1beta2/DaemonSet
#     - apps/v1beta2/ReplicaSet
#     - extensions/v1beta1/Deployment
#     - extensions/v1beta1/DaemonSet
#     - extensions/v1beta1/ReplicaSet
#     - batch/v1/Job
#     - batch/v1/CronJob
#     - batch/v1beta1/CronJob
#     - batch/v2alpha1/CronJob
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17, A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["8.3.2", "8.6.2"]
#   remediation: >-
#     Store the value in a Secret (or an external secret manager synced into one) and
#     reference it with `valueFrom.secretKeyRef` or `envFrom.secretRef`; then rotate the
#     exposed value, which stays in the repository's history.
package rules.kubernetes.pod.secret_env

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

# Words in a name that say the value is a credential (found anywhere in the name, compared in
# lower case without `-` and `_`).
secret_words := {"password", "passwd", "pwd", "secret", "token", "apikey", "privatekey", "accesskey", "authkey", "credential"}

# The words as one pattern of plain alternatives: one match per name instead of a test per word.
secret_pattern := concat("|", sort(secret_words))

secret_name(name) if {
	squashed := replace(replace(lower(name), "_", ""), "-", "")
	regex.match(secret_pattern, squashed)
}

# Names that carry something about a secret rather than the secret itself (its file, name,
# version, a size such as `MAX_TOTAL_TOKENS`, a switch such as `ALLOW_EMPTY_PASSWORD`).
not_a_secret := `(?i)(_(file|path|dir|name|ref|url|uri|endpoint|host|port|id|key_id|user|username|enabled|ttl|timeout|expiry|length|type|header|secs|seconds|duration|version|count|limit|size)$|tokens$|(^|_)(max|min|num)_|allow_empty)`

deny contains tenet.finding(c.resource, msg, sprintf("%s.env[%d].value", [c.path, j])) if {
	some c in data.lib.kubernetes.all_containers
	some j, env in k8s.list(object.get(c.container, "env", []))
	is_object(env)
	name := env.name
	is_string(name)
	value := object.get(env, "value", null)
	is_string(value)
	secret_name(name)
	not regex.match(not_a_secret, name)
	not placeholder(value)
	msg := sprintf("%s sets %s to a literal value in the manifest; reference a Secret instead", [k8s.describe(c), name])
}

# Empty values, booleans and references to other variables (`$(DB_PASSWORD)`) are not secrets.
placeholder(value) if trim_space(value) == ""

placeholder(value) if lower(value) in {"true", "false", "yes", "no"}

# A file path (`/var/secrets/key.json`) names where the secret is, not the secret.
placeholder(value) if startswith(value, "/")

placeholder(value) if regex.match(`^\$\(?[A-Za-z_][A-Za-z0-9_]*\)?$`, value)
