# METADATA
# title: Containers are not run without AppArmor confinement
# description: >-
#   On nodes with AppArmor, the container runtime confines every container with its default
#   profile, which denies writes to sensitive parts of /proc and /sys, mounting file systems
#   and other actions container escapes rely on. Setting the profile to `unconfined`
#   switches that off for the container, leaving only the other isolation layers between a
#   compromised process and the node.
# scope: package
# custom:
#   id: k8s-apparmor
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
#     Remove the `Unconfined` AppArmor profile (`securityContext.appArmorProfile.type` on
#     the pod or container, or the `container.apparmor.security.beta.kubernetes.io/<name>:
#     unconfined` annotation) so the runtime default applies, or use a `Localhost` profile
#     written for the program.
package rules.kubernetes.pod.apparmor

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

# The container's own profile field wins over the pod's; both win over the annotation (the
# API server keeps them consistent where both are given).
deny contains tenet.finding(c.resource, msg, sprintf("%s.securityContext.appArmorProfile.type", [c.path])) if {
	some c in data.lib.kubernetes.all_containers
	k8s.get(c.container, ["securityContext", "appArmorProfile", "type"], null) == "Unconfined"
	msg := sprintf("%s runs without AppArmor confinement (appArmorProfile Unconfined)", [k8s.describe(c)])
}

deny contains tenet.finding(c.resource, msg, sprintf("%s.securityContext.appArmorProfile.type", [c.pod_path])) if {
	some c in data.lib.kubernetes.all_containers
	k8s.get(c.container, ["securityContext", "appArmorProfile", "type"], null) == null
	k8s.get(c.pod, ["securityContext", "appArmorProfile", "type"], null) == "Unconfined"
	msg := sprintf("%s runs without AppArmor confinement (the pod's appArmorProfile is Unconfined)", [k8s.describe(c)])
}

deny contains tenet.finding(c.resource, msg, sprintf("%s.annotations[%q]", [meta.path, key])) if {
	some c in data.lib.kubernetes.all_containers
	k8s.get(c.container, ["securityContext", "appArmorProfile", "type"], null) == null
	k8s.get(c.pod, ["securityContext", "appArmorProfile", "type"], null) == null
	meta := k8s.pod_metadata(c.resource)
	key := concat("", [annotation_prefix, object.get(c.container, "name", "")])
	object.get(k8s.obj(object.get(meta.meta, "annotations", {})), key, null) == "unconfined"
	msg := sprintf("%s runs without AppArmor confinement (annotation %s: unconfined)", [k8s.describe(c), key])
}
