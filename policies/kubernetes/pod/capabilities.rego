# METADATA
# title: Containers drop all capabilities and add no dangerous ones
# description: >-
#   Containers start with a default set of Linux capabilities (NET_RAW among them, which
#   allows spoofing packets on the pod network) that most programs never use. Added
#   capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE are close to root on
#   the node: they allow mounting file systems, reconfiguring the network, reading other
#   processes' memory or loading kernel modules. Dropping ALL and adding back only what is
#   needed keeps a compromised process contained.
# scope: package
# custom:
#   id: k8s-capabilities
#   severity: medium
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
#     Set `securityContext.capabilities.drop: ["ALL"]` and add back only the capabilities the
#     program needs (usually none; NET_BIND_SERVICE to bind ports below 1024).
package rules.kubernetes.pod.capabilities

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

dangerous := {
	"ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO",
	"SYS_BOOT", "SYS_TIME", "DAC_READ_SEARCH", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE",
	"SYSLOG",
}

# A capability name as Kubernetes compares them: upper case, without `CAP_`.
name(cap) := trim_prefix(upper(cap), "CAP_")

deny contains tenet.finding(c.resource, msg, attribute) if {
	some c in data.lib.kubernetes.all_containers
	drops := {name(x) | some x in k8s.list(k8s.get(c.container, ["securityContext", "capabilities", "drop"], [])); is_string(x)}
	not "ALL" in drops
	attribute := k8s.container_path(c, ["securityContext", "capabilities", "drop"])
	msg := sprintf("%s does not drop ALL capabilities: it keeps the runtime's default set", [k8s.describe(c)])
}

deny contains tenet.finding(c.resource, msg, sprintf("%s.securityContext.capabilities.add[%d]", [c.path, j])) if {
	some c in data.lib.kubernetes.all_containers
	some j, cap in k8s.list(k8s.get(c.container, ["securityContext", "capabilities", "add"], []))
	is_string(cap)
	name(cap) in dangerous
	msg := sprintf("%s adds the capability %s", [k8s.describe(c), name(cap)])
}
