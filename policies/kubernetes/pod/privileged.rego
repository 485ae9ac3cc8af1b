# METADATA
# title: Containers do not run privileged
# description: >-
#   A privileged container gets every Linux capability and the host's devices, and runs
#   without the seccomp and AppArmor confinement that normally separates it from the node.
#   Anyone who takes over such a container (a vulnerable dependency, a leaked token) controls
#   the node and through it every other workload and secret there, which defeats the
#   least-privilege and isolation controls the frameworks ask for.
# scope: package
# custom:
#   id: k8s-privileged-container
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
#     soc2: ["CC6.1", "CC6.3"]
#     iso27001-2022: ["A.8.2"]
#     gdpr: ["Art.32"]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["2.2.1", "7.2.1"]
#   remediation: >-
#     Remove `securityContext.privileged: true` (or set it to false). Grant only the specific
#     capabilities the process needs with `capabilities.add`, or move node-level work (device
#     plugins, CNI, storage drivers) into a vetted system component.
package rules.kubernetes.pod.privileged

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(c.resource, msg, sprintf("%s.securityContext.privileged", [c.path])) if {
	some c in data.lib.kubernetes.all_containers
	k8s.sc(c, "privileged", false) == true
	msg := sprintf("%s runs privileged: it has every capability and the node's devices", [k8s.describe(c)])
}
