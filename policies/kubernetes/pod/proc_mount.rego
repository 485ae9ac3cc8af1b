# METADATA
# title: Containers keep the default masked /proc
# description: >-
#   The container runtime masks and makes read-only the parts of /proc and /sys that expose
#   the host kernel (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/keys`, ...).
#   `procMount: Unmasked` removes that protection, which gives a process in the container
#   information about and levers on the node that container isolation is meant to hide. It is
#   only meant for nested container runtimes in user-namespaced pods.
# scope: package
# custom:
#   id: k8s-proc-mount
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
#     soc2: ["CC6.1", "CC6.8"]
#     iso27001-2022: ["A.8.9"]
#     gdpr: ["Art.32"]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["2.2.1"]
#   remediation: >-
#     Remove `securityContext.procMount` or set it to `Default`.
package rules.kubernetes.pod.proc_mount

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(c.resource, msg, sprintf("%s.securityContext.procMount", [c.path])) if {
	some c in data.lib.kubernetes.all_containers
	k8s.sc(c, "procMount", "Default") == "Unmasked"
	msg := sprintf("%s mounts /proc unmasked (procMount: Unmasked)", [k8s.describe(c)])
}
