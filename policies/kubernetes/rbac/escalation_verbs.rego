# METADATA
# title: RBAC roles do not grant the bind, escalate or impersonate verbs
# description: >-
#   Kubernetes stops a subject from granting permissions it does not hold, except through
#   three verbs made to bypass that check: `escalate` lets it edit Roles to add any
#   permission, `bind` lets it bind Roles it does not hold itself, and `impersonate` lets it
#   act as another user, group or service account. Creating `serviceaccounts/token` similarly
#   mints credentials of other service accounts. Each turns a narrow role into a path to
#   whatever the most privileged reachable identity can do.
# scope: package
# custom:
#   id: k8s-rbac-escalation-verbs
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
#     Remove `bind`, `escalate` and `impersonate` (and `create` on `serviceaccounts/token`)
#     from roles of workloads and ordinary users. Where a controller must manage RBAC, limit
#     the verb with `resourceNames` to the exact Roles it may bind, and review the binding.
package rules.kubernetes.rbac.escalation_verbs

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

# A `*` verb grants these too; k8s-rbac-wildcard reports it.
escalation := {
	"bind": "bind roles it does not hold",
	"escalate": "add any permission to roles",
	"impersonate": "act as other users, groups or service accounts",
}

deny contains tenet.finding(x.resource, msg, sprintf("rules[%d].verbs[%d]", [x.index, j])) if {
	some x in data.lib.kubernetes.role_rules
	count(k8s.rule_values(x.rule, "resources")) > 0
	some j, verb in k8s.list(object.get(x.rule, "verbs", []))
	what := escalation[verb]
	msg := sprintf("%s %q grants %q in rule %d: its subjects can %s", [k8s.kind(x.resource), x.resource.name, verb, x.index, what])
}

deny contains tenet.finding(x.resource, msg, sprintf("rules[%d].resources[%d]", [x.index, j])) if {
	some x in data.lib.kubernetes.role_rules
	k8s.in_api_group(x.rule, "")
	some j, resource in k8s.list(object.get(x.rule, "resources", []))
	resource == "serviceaccounts/token"
	some verb in k8s.rule_values(x.rule, "verbs")
	verb in {"create", "*"}
	msg := sprintf("%s %q grants create on serviceaccounts/token in rule %d: its subjects can mint tokens of other service accounts", [k8s.kind(x.resource), x.resource.name, x.index])
}
