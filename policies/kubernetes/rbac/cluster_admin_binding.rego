# METADATA
# title: Nothing is bound to the cluster-admin role
# description: >-
#   `cluster-admin` allows every action on every resource in every namespace. A binding to it
#   makes its subjects (often a service account that any compromised pod mounting its token
#   can use) full administrators of the cluster: they can read every Secret, run privileged
#   pods on any node and grant themselves anything else. Administrative access should go to
#   named people through a break-glass process, not to workloads.
# scope: package
# custom:
#   id: k8s-cluster-admin-binding
#   check: least-privilege
#   severity: high
#   resource_types:
#     - rbac.authorization.k8s.io/v1/RoleBinding
#     - rbac.authorization.k8s.io/v1/ClusterRoleBinding
#     - rbac.authorization.k8s.io/v1beta1/RoleBinding
#     - rbac.authorization.k8s.io/v1beta1/ClusterRoleBinding
#   controls:
#     soc2: [CC6.1, CC6.3]
#     iso27001-2022: [A.5.15, A.5.18, A.8.2]
#     gdpr: [Art.25, Art.32]
#     hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: >-
#     Bind a role that grants only what the subject needs (write one, or use `admin`, `edit`
#     or `view` within a namespace). Keep cluster-admin for the built-in `system:masters`
#     group and an audited break-glass procedure.
package rules.kubernetes.rbac.cluster_admin_binding

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(r, msg, "roleRef.name") if {
	some r in input.resources
	r.provider == "kubernetes"
	k8s.group(r) == "rbac.authorization.k8s.io"
	k8s.kind(r) in {"RoleBinding", "ClusterRoleBinding"}
	k8s.get(r.attributes, ["roleRef", "kind"], "") == "ClusterRole"
	k8s.get(r.attributes, ["roleRef", "name"], "") == "cluster-admin"
	subjects := [sprintf("%s %s", [object.get(s, "kind", "?"), object.get(s, "name", "?")]) |
		some s in k8s.list(object.get(r.attributes, "subjects", []))
		is_object(s)
	]
	msg := sprintf("%s %q makes %s cluster administrators (cluster-admin)", [k8s.kind(r), r.name, who(subjects)])
}

who(subjects) := concat(", ", subjects) if count(subjects) > 0

who(subjects) := "its subjects" if count(subjects) == 0
