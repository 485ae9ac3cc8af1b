# METADATA
# title: Containers forbid privilege escalation
# description: >-
#   Unless `allowPrivilegeEscalation` is false, a process in the container can gain more
#   privileges than its parent, through setuid binaries or file capabilities in the image.
#   That turns an ordinary remote-code-execution bug into root in the container, one step from
#   the node. Kubernetes allows escalation by default, so the field has to be set explicitly.
# scope: package
# custom:
#   id: k8s-privilege-escalation
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
#     Set `securityContext.allowPrivilegeEscalation: false` on every container (it is also
#     implied by the restricted Pod Security Standard).
package rules.kubernetes.pod.privilege_escalation

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(c.resource, msg, attribute) if {
	some c in data.lib.kubernetes.all_containers
	value := k8s.sc(c, "allowPrivilegeEscalation", null)
	value != false
	attribute := escalation_path(c, value)
	msg := sprintf("%s does not set allowPrivilegeEscalation to false: setuid binaries can raise its privileges", [k8s.describe(c)])
}

escalation_path(c, null) := k8s.container_path(c, ["securityContext"])

escalation_path(c, value) := sprintf("%s.securityContext.allowPrivilegeEscalation", [c.path]) if value != null
