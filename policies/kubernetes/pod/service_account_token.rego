# METADATA
# title: Pods do not mount a service account token they do not need
# description: >-
#   Unless told otherwise, Kubernetes mounts a token of the pod's service account into every
#   container. Anyone who compromises the container (through a vulnerable dependency, an
#   exposed debug endpoint or a path traversal) can read it and act on the API server with
#   all the permissions bound to that account. Most applications never call the API, so the
#   token is a credential nobody uses but an attacker can.
# scope: package
# custom:
#   id: k8s-automount-service-account-token
#   severity: medium
#   admission: false
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
#     soc2: ["CC6.1", "CC6.3"]
#     iso27001-2022: ["A.5.15", "A.8.2"]
#     gdpr: ["Art.25", "Art.32"]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1"]
#   remediation: >-
#     Set `automountServiceAccountToken: false` in the pod spec, or on the ServiceAccount the
#     pods use (the pod's setting wins). Workloads that call the API keep it, with a
#     dedicated service account bound to a narrow Role.
package rules.kubernetes.pod.service_account_token

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(w.resource, msg, sprintf("%s.automountServiceAccountToken", [w.path])) if {
	some w in data.lib.kubernetes.workloads
	object.get(w.spec, "automountServiceAccountToken", null) == true
	msg := sprintf("%s %q mounts the token of service account %q into its containers (automountServiceAccountToken: true)", [k8s.kind(w.resource), w.resource.name, k8s.service_account_name(w.spec)])
}

deny contains tenet.finding(w.resource, msg, attribute) if {
	some w in data.lib.kubernetes.workloads
	object.get(w.spec, "automountServiceAccountToken", null) == null
	name := k8s.service_account_name(w.spec)
	accounts := k8s.service_accounts(w.resource, name)
	not opted_out(accounts)
	attribute := account_path(w)
	msg := sprintf("%s %q mounts the token of service account %q into its containers: %s", [k8s.kind(w.resource), w.resource.name, name, why(accounts)])
}

# Every ServiceAccount of that name the pods may get says false (at least one is in the scan).
opted_out(accounts) if {
	count(accounts) > 0
	every sa in accounts {
		object.get(sa.attributes, "automountServiceAccountToken", null) == false
	}
}

why(accounts) := "neither the pod spec nor the ServiceAccount sets automountServiceAccountToken: false" if {
	count(accounts) > 0
} else := "the pod spec does not set automountServiceAccountToken: false (nor does a ServiceAccount of that name in the scan)"

account_path(w) := sprintf("%s.serviceAccountName", [w.path]) if {
	object.get(w.spec, "serviceAccountName", null) != null
} else := w.path
