# METADATA
# title: Long-running containers have liveness and readiness probes
# description: >-
#   Without a readiness probe a container receives traffic as soon as it starts and keeps
#   receiving it while it cannot serve, so rollouts and overloads turn into failed requests.
#   Without a liveness probe a deadlocked process is never restarted. Both are how
#   Kubernetes detects and recovers from unhealthy instances; they do not apply to Jobs,
#   which run to completion.
# scope: package
# custom:
#   id: k8s-probes
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
#   controls:
#     soc2: ["A1.2"]
#     iso27001-2022: []
#     gdpr: ["Art.32(1)(b)"]
#     hipaa: []
#     pci-dss-4.0: []
#   remediation: >-
#     Add a `readinessProbe` that checks the container can serve (an HTTP health endpoint,
#     a TCP or gRPC check) and a `livenessProbe` that only fails when the process must be
#     restarted; give slow starters a `startupProbe`.
package rules.kubernetes.pod.probes

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

probes := ["livenessProbe", "readinessProbe"]

deny contains tenet.finding(c.resource, msg, c.path) if {
	some c in data.lib.kubernetes.all_containers
	c.field == "containers"
	not k8s.kind(c.resource) in {"Job", "CronJob"}
	missing := [p | some p in probes; not is_object(object.get(c.container, p, null))]
	count(missing) > 0
	msg := sprintf("%s has no %s", [k8s.describe(c), concat(" and no ", missing)])
}
