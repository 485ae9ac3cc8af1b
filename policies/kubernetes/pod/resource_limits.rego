# METADATA
# title: Containers set CPU and memory limits
# description: >-
#   A container without a memory limit can take all of its node's memory and get other pods
#   killed; one without a CPU limit can starve them. One leaking or compromised workload then
#   becomes an outage of everything scheduled beside it, a denial of service that capacity
#   management and availability commitments are meant to prevent.
# scope: package
# custom:
#   id: k8s-resource-limits
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
#     soc2: ["A1.1"]
#     iso27001-2022: ["A.8.6"]
#     gdpr: ["Art.32(1)(b)"]
#     hipaa: []
#     pci-dss-4.0: []
#   remediation: >-
#     Set `resources.limits.cpu` and `resources.limits.memory` on every container (and
#     requests), or give the namespace a LimitRange with default limits.
package rules.kubernetes.pod.resource_limits

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(c.resource, msg, k8s.container_path(c, ["resources", "limits"])) if {
	some c in data.lib.kubernetes.all_containers
	c.field != "ephemeralContainers" # ephemeral containers cannot have resources
	limits := k8s.obj(k8s.get(c.container, ["resources", "limits"], {}))
	missing := [kind | some kind in ["cpu", "memory"]; object.get(limits, kind, null) == null]
	count(missing) > 0
	msg := sprintf("%s has no %s limit", [k8s.describe(c), concat(" or ", missing)])
}
