# METADATA
# title: Applications are not deployed into the default namespace
# description: >-
#   The `default` namespace is where objects land when nobody chose a namespace; it is
#   shared by everything deployed carelessly and rarely gets its own RBAC, NetworkPolicies,
#   quotas or Pod Security admission level. Workloads there share a blast radius and cannot
#   be given access boundaries of their own. Namespaces per application or team are the
#   unit Kubernetes uses to separate them.
# scope: package
# custom:
#   id: k8s-default-namespace
#   severity: low
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
#     - v1/Service
#     - v1/ConfigMap
#     - v1/Secret
#     - v1/ServiceAccount
#     - v1/PersistentVolumeClaim
#     - networking.k8s.io/v1/Ingress
#     - networking.k8s.io/v1beta1/Ingress
#     - extensions/v1beta1/Ingress
#     - rbac.authorization.k8s.io/v1/Role
#     - rbac.authorization.k8s.io/v1/RoleBinding
#     - rbac.authorization.k8s.io/v1beta1/Role
#     - rbac.authorization.k8s.io/v1beta1/RoleBinding
#   controls:
#     soc2: ["CC6.1"]
#     iso27001-2022: []
#     gdpr: []
#     hipaa: []
#     pci-dss-4.0: []
#   remediation: >-
#     Create a namespace for the application (with its RBAC, NetworkPolicies, quotas and Pod
#     Security labels) and set `metadata.namespace` to it.
package rules.kubernetes.namespace.default_namespace

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(r, msg, "metadata.namespace") if {
	some r in input.resources
	r.provider == "kubernetes"
	k8s.namespace(r) == "default"
	not system_object(r)
	msg := sprintf("%s %q is deployed into the default namespace", [k8s.kind(r), r.name])
}

# The API server's own Service.
system_object(r) if {
	k8s.kind(r) == "Service"
	r.name == "kubernetes"
}
