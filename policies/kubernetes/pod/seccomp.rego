# METADATA
# title: Containers run with a seccomp profile
# description: >-
#   Without a seccomp profile a container runs `Unconfined` (unless the kubelet's
#   SeccompDefault is on, which a manifest cannot rely on): it may call every system call of
#   the node's kernel, including the rarely needed ones that most container escapes and
#   kernel exploits go through. The runtime's default profile blocks those calls at no cost
#   to ordinary programs, and is required by the restricted Pod Security Standard.
# scope: package
# custom:
#   id: k8s-seccomp
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
#     Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or a `Localhost`
#     profile made for the program), and remove any `Unconfined` profile from the pod and
#     its containers.
package rules.kubernetes.pod.seccomp

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

confined := {"RuntimeDefault", "Localhost"}

# Values of the seccomp annotations (removed in Kubernetes 1.27, still read by older clusters).
legacy := {"runtime/default": "RuntimeDefault", "docker/default": "RuntimeDefault", "unconfined": "Unconfined"}

legacy_type(v) := legacy[v]

legacy_type(v) := "Localhost" if startswith(v, "localhost/")

legacy_type(v) := v if {
	not legacy[v]
	not startswith(v, "localhost/")
}

# The profile type that applies to a container and where it is set, [type, attribute path]:
# its own field, else its pod's, else the legacy annotations (the container's, else the
# pod's). One chain, so that a container with its own field costs one lookup.
profile(c) := [t, sprintf("%s.securityContext.seccompProfile.type", [c.path])] if {
	t := k8s.get(c.container, ["securityContext", "seccompProfile", "type"], null)
	t != null
} else := [t, sprintf("%s.securityContext.seccompProfile.type", [c.pod_path])] if {
	t := k8s.get(c.pod, ["securityContext", "seccompProfile", "type"], null)
	t != null
} else := [legacy_type(v), sprintf("%s.annotations[%q]", [meta.path, key])] if {
	meta := k8s.pod_metadata(c.resource)
	key := sprintf("container.seccomp.security.alpha.kubernetes.io/%s", [object.get(c.container, "name", "")])
	v := object.get(k8s.obj(object.get(meta.meta, "annotations", {})), key, null)
	is_string(v)
} else := [legacy_type(v), sprintf("%s.annotations[%q]", [meta.path, key])] if {
	meta := k8s.pod_metadata(c.resource)
	key := "seccomp.security.alpha.kubernetes.io/pod"
	v := object.get(k8s.obj(object.get(meta.meta, "annotations", {})), key, null)
	is_string(v)
}

windows(c) if k8s.get(c.pod, ["os", "name"], "") == "windows"

# Each Linux container with the profile that applies to it (none, or one): worked out once
# for both rules below.
assessed := [[c, profiles] |
	some c in data.lib.kubernetes.all_containers
	not windows(c)
	profiles := [p | p := profile(c)]
]

deny contains tenet.finding(c.resource, msg, p[1]) if {
	some [c, profiles] in assessed
	some p in profiles
	not p[0] in confined
	msg := sprintf("%s runs with the seccomp profile %v: every system call is allowed", [k8s.describe(c), p[0]])
}

deny contains tenet.finding(c.resource, msg, attribute) if {
	some [c, profiles] in assessed
	count(profiles) == 0
	attribute := k8s.container_path(c, ["securityContext", "seccompProfile"])
	msg := sprintf("%s has no seccomp profile (neither it nor its pod sets one): it runs Unconfined", [k8s.describe(c)])
}
