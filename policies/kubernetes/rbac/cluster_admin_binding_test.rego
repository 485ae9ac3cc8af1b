package rules.kubernetes.rbac.cluster_admin_binding_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.rbac.cluster_admin_binding as rule

binding(type, role_kind, role) := kf.resource(type, "b", {
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
	"subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}],
})

test_cluster_admin_bindings_fire if {
	some f in rule.deny with input as {"resources": [binding("rbac.authorization.k8s.io/v1/ClusterRoleBinding", "ClusterRole", "cluster-admin")]}
	f.attribute == "roleRef.name"
	contains(f.message, "ServiceAccount deployer")
	count(rule.deny) == 1 with input as {"resources": [binding("rbac.authorization.k8s.io/v1/RoleBinding", "ClusterRole", "cluster-admin")]}
}

test_other_roles_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		binding("rbac.authorization.k8s.io/v1/ClusterRoleBinding", "ClusterRole", "view"),
		binding("rbac.authorization.k8s.io/v1/RoleBinding", "Role", "cluster-admin"),
	]}
}
