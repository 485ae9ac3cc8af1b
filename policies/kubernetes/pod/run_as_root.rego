# METADATA
# title: Containers run as a non-root user
# description: >-
#   A container that runs as UID 0 is root inside its namespace: together with any of the
#   other weaknesses container escapes rely on (a kernel bug, a writable host mount, an extra
#   capability) root in the container becomes root on the node. Without `runAsNonRoot: true`
#   or a non-zero `runAsUser`, the image's USER line decides, and most public images run as
#   root.
# scope: package
# custom:
#   id: k8s-run-as-root
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
#     soc2: ["CC6.3"]
#     iso27001-2022: ["A.8.2"]
#     gdpr: ["Art.32"]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1"]
#   remediation: >-
#     Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` on the pod (or on
#     each container), and build the image with a non-root USER.
package rules.kubernetes.pod.run_as_root

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

# A container's own securityContext overrides its pod's: the effective value and where it is set.
effective(c, key) := {"value": v, "path": sprintf("%s.securityContext.%s", [c.path, key])} if {
	v := k8s.sc(c, key, null)
	v != null
} else := {"value": v, "path": sprintf("%s.securityContext.%s", [c.pod_path, key])} if {
	v := k8s.pod_sc(c, key, null)
	v != null
}

# Each container with the effective runAsUser and runAsNonRoot that are set (as `effective`
# gives them): worked out once for both rules below.
assessed := [[c, settings] |
	some c in data.lib.kubernetes.all_containers
	settings := {key: e | some key in ["runAsUser", "runAsNonRoot"]; e := effective(c, key)}
]

deny contains tenet.finding(c.resource, msg, settings.runAsUser.path) if {
	some [c, settings] in assessed
	settings.runAsUser.value == 0
	msg := sprintf("%s runs as UID 0 (root)", [k8s.describe(c)])
}

deny contains tenet.finding(c.resource, msg, non_root_path(c, settings)) if {
	some [c, settings] in assessed
	not settings.runAsNonRoot.value == true
	not non_zero_uid(settings)
	not settings.runAsUser.value == 0
	msg := sprintf("%s may run as root: neither it nor its pod sets runAsNonRoot: true or a non-zero runAsUser", [k8s.describe(c)])
}

non_zero_uid(settings) if {
	uid := settings.runAsUser.value
	is_number(uid)
	uid > 0
}

# Point at an explicit `runAsNonRoot: false`, else at the container's securityContext.
non_root_path(c, settings) := p if {
	p := settings.runAsNonRoot.path
} else := k8s.container_path(c, ["securityContext"])
