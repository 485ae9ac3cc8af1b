# METADATA
# title: Workloads run as their own service account, not "default"
# description: >-
#   Every pod that names no service account runs as its namespace's `default` account, so
#   all such workloads share one identity towards the API server and towards cloud workload
#   identity. Permissions granted to `default` for one of them reach all of them, and audit
#   logs cannot tell them apart. A dedicated account per workload keeps permissions narrow
#   and attributable.
# scope: package
# custom:
#   id: k8s-service-account-default
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
#   controls:
#     soc2: ["CC6.3"]
#     iso27001-2022: ["A.5.15", "A.5.18"]
#     gdpr: []
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.2"]
#   remediation: >-
#     Create a ServiceAccount for the workload, bind it only the Roles it needs and set
#     `serviceAccountName` in the pod spec. A workload that never calls the API can instead
#     set `automountServiceAccountToken: false`.
package rules.kubernetes.pod.default_service_account

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(w.resource, msg, attribute) if {
	some w in data.lib.kubernetes.workloads
	k8s.service_account_name(w.spec) == "default"
	# Without a token the pod has no API identity to share.
	object.get(w.spec, "automountServiceAccountToken", null) != false
	attribute := field_path(w)
	msg := sprintf("%s %q runs as the namespace's default service account", [k8s.kind(w.resource), w.resource.name])
}

field_path(w) := sprintf("%s.%s", [w.path, f]) if {
	some f in ["serviceAccountName", "serviceAccount"]
	object.get(w.spec, f, null) != null
} else := w.path
