# METADATA
# title: RBAC roles do not grant running commands in pods (exec, attach, nodes/proxy)
# description: >-
#   `pods/exec` and `pods/attach` open a shell or the console of a running container. The
#   holder then acts as that container: it reads its mounted Secrets and service account
#   token, reaches whatever the pod can reach on the network, and changes data without going
#   through the application's own access checks. `nodes/proxy` reaches the kubelet API, which
#   does the same for every pod on the node. Interactive access to production containers
#   should be a reviewed, temporary exception, not a standing grant.
# scope: package
# custom:
#   id: k8s-rbac-pod-exec
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
#     Remove `pods/exec`, `pods/attach` and `nodes/proxy` from standing roles. Grant them through a
#     just-in-time, audited process (a short-lived RoleBinding in one namespace), and prefer
#     logs, metrics and ephemeral debug tooling in non-production environments.
package rules.kubernetes.rbac.pod_exec

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

subresources := {"pods/exec", "pods/attach"}

# `create` is the verb of exec and attach; clients that connect over WebSocket (a GET
# request) were authorized with `get` until Kubernetes checked `create` for them too.
verbs := {"create", "get", "*"}

deny contains tenet.finding(x.resource, msg, sprintf("rules[%d].resources[%d]", [x.index, j])) if {
	some x in data.lib.kubernetes.role_rules
	k8s.in_api_group(x.rule, "")
	some j, resource in k8s.list(object.get(x.rule, "resources", []))
	resource in subresources
	granted := [v | some v in k8s.rule_values(x.rule, "verbs"); v in verbs]
	count(granted) > 0
	msg := sprintf("%s %q lets its subjects run commands in pods (%s on %s in rule %d)", [k8s.kind(x.resource), x.resource.name, concat(", ", granted), resource, x.index])
}

# The kubelet API behind nodes/proxy runs commands in any pod of the node (its `get` and
# `create` map to the kubelet's read and exec endpoints).
deny contains tenet.finding(x.resource, msg, sprintf("rules[%d].resources[%d]", [x.index, j])) if {
	some x in data.lib.kubernetes.role_rules
	k8s.in_api_group(x.rule, "")
	some j, resource in k8s.list(object.get(x.rule, "resources", []))
	resource == "nodes/proxy"
	granted := [v | some v in k8s.rule_values(x.rule, "verbs"); v in verbs]
	count(granted) > 0
	msg := sprintf("%s %q gives its subjects the kubelet API, which runs commands in any pod of a node (%s on nodes/proxy in rule %d)", [k8s.kind(x.resource), x.resource.name, concat(", ", granted), x.index])
}
