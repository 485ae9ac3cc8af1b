# METADATA
# title: RBAC roles do not grant wildcard verbs or resources
# description: >-
#   A `*` in a role's verbs or resources grants every action on every matching resource,
#   including ones added later by new API versions or CRDs (escalate, bind, impersonate,
#   reading Secrets). Whoever holds the role, often a service account whose token any
#   compromised pod can use, gets far more than the job needs, which defeats least privilege
#   and makes access reviews meaningless.
# scope: package
# custom:
#   id: k8s-rbac-wildcard
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
#     List the exact API groups, resources and verbs the subject needs (`get`, `list`, `watch`
#     on named resources); split broad roles into narrow ones bound where they are needed.
package rules.kubernetes.rbac.wildcard

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(r, msg, sprintf("rules[%d].%s[%d]", [i, field, j])) if {
	some r in input.resources
	r.provider == "kubernetes"
	k8s.group(r) == "rbac.authorization.k8s.io"
	k8s.kind(r) in {"Role", "ClusterRole"}
	some i, rule in k8s.list(object.get(r.attributes, "rules", []))
	is_object(rule)
	some field in ["verbs", "resources"]
	some j, value in k8s.list(object.get(rule, field, []))
	value == "*"
	msg := sprintf("%s %q grants every %s (\"*\") in rule %d", [k8s.kind(r), r.name, noun[field], i])
}

noun := {"verbs": "verb", "resources": "resource"}
