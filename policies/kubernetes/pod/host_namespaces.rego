# METADATA
# title: Pods do not share the node's network, PID or IPC namespace
# description: >-
#   `hostNetwork` puts the pod on the node's network stack: it can listen on and sniff the
#   node's interfaces, reach services bound to localhost and bypass NetworkPolicies. `hostPID`
#   lets it see and signal every process on the node (and read their environments), `hostIPC`
#   lets it read the shared memory of other pods. Each removes the isolation that network
#   segmentation and least-privilege controls assume.
# scope: package
# custom:
#   id: k8s-host-namespaces
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
#     soc2: ["CC6.1", "CC6.6"]
#     iso27001-2022: ["A.8.2", "A.8.22"]
#     gdpr: ["Art.32"]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "2.2.1"]
#   remediation: >-
#     Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to false). Expose ports
#     through a Service instead of the host network; run node agents that truly need them as
#     reviewed system workloads in a namespace of their own.
package rules.kubernetes.pod.host_namespaces

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

what := {
	"hostNetwork": "the node's network namespace",
	"hostPID": "the node's process namespace",
	"hostIPC": "the node's IPC namespace",
}

deny contains tenet.finding(w.resource, msg, sprintf("%s.%s", [w.path, field])) if {
	some w in data.lib.kubernetes.workloads
	some field, shared in what
	object.get(w.spec, field, false) == true
	msg := sprintf("%s %q shares %s (%s: true)", [k8s.kind(w.resource), w.resource.name, shared, field])
}
