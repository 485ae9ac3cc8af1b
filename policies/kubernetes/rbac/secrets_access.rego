# METADATA
# title: RBAC roles do not grant reading all Secrets
# description: >-
#   `get`, `list` or `watch` on `secrets` gives the holder every credential stored in the
#   namespace (or, in a ClusterRole bound cluster-wide, in the cluster): database passwords,
#   API keys, TLS keys and the tokens of other service accounts, which in turn carry their
#   permissions. `list` and `watch` return the values too, not just names. Few workloads need
#   more than the one or two Secrets they mount.
# scope: package
# custom:
#   id: k8s-rbac-secrets-access
#   check: least-privilege
#   severity: high
#   resource_types:
#     - rbac.authorization.k8s.io/v1/Role
#     - rbac.authorization.k8s.io/v1/ClusterRole
#     - rbac.authorization.k8s.io/v1beta1/Role
#     - rbac.authorization.k8s.io/v1beta1/ClusterRole
#   controls:
#     soc2: [CC6.1, CC6.3]
#     iso27001-2022: [A.5.15, A.5.18, A.8.2]
#     gdpr: [Art.25, Art.32]
#     hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: >-
#     Mount the Secrets a workload needs as volumes or environment variables instead of
#     reading them through the API. Where API access is needed, grant `get` only, limited to
#     the named Secrets with `resourceNames`, in a namespaced Role.
package rules.kubernetes.rbac.secrets_access

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

read_verbs := {"get", "list", "watch", "*"}

deny contains tenet.finding(x.resource, msg, sprintf("rules[%d].resources[%d]", [x.index, j])) if {
	some x in data.lib.kubernetes.role_rules
	k8s.in_api_group(x.rule, "")
	some j, resource in k8s.list(object.get(x.rule, "resources", []))
	resource == "secrets"
	# A rule limited to named Secrets is the narrow form this rule asks for.
	count(k8s.rule_values(x.rule, "resourceNames")) == 0
	verbs := [v | some v in k8s.rule_values(x.rule, "verbs"); v in read_verbs]
	count(verbs) > 0
	msg := sprintf("%s %q can read every Secret%s (%s on secrets in rule %d)", [k8s.kind(x.resource), x.resource.name, where(x.resource), concat(", ", verbs), x.index])
}

where(r) := " in the cluster" if k8s.kind(r) == "ClusterRole"

where(r) := " in its namespace" if k8s.kind(r) == "Role"
