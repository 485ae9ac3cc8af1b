# METADATA
# title: Container images are pinned to a version
# description: >-
#   An image without a tag, or tagged `latest`, is whatever the registry serves at pull time:
#   two nodes can run different code under one manifest, a rollback does not restore the old
#   code, and a change (or a tampered image) reaches production without review. Pinning a
#   version, or better a digest, keeps deployments reproducible and changes under change
#   control.
# scope: package
# custom:
#   id: k8s-image-tag
#   check: image-immutable
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
#     soc2: [CC8.1]
#     iso27001-2022: [A.8.9, A.8.32]
#     gdpr: []
#     hipaa: []
#     pci-dss-4.0: ["6.5.1"]
#   remediation: >-
#     Reference images by an immutable version tag or, better, by digest
#     (`registry/app:1.4.2@sha256:...`), and let a tool such as Renovate or Dependabot propose
#     updates.
package rules.kubernetes.pod.image_tag

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(c.resource, msg, sprintf("%s.image", [c.path])) if {
	some c in data.lib.kubernetes.all_containers
	image := c.container.image
	is_string(image)
	image != ""
	not contains(image, "@")
	not placeholder(image)
	tag := tag_of(image)
	tag in {"", "latest"}
	msg := sprintf("%s uses the image %q, which is %s", [k8s.describe(c), image, problem[tag]])
}

# A value substituted before apply (`$IMAGE`, `${IMAGE_URI}`, `<PROJECT_ID>`): not the image
# that will run, so not judged here.
placeholder(image) if regex.match(`[$<>{}]`, image)

problem := {"": "not pinned to a tag or digest", "latest": "tagged latest: whatever was pushed last"}

# The tag of an image reference: after the last `:` of its last path segment (a `:` before
# a `/` is a registry port).
tag_of(image) := tag if {
	segments := split(image, "/")
	last := segments[count(segments) - 1]
	parts := split(last, ":")
	tag := _tag(parts)
}

_tag(parts) := parts[count(parts) - 1] if count(parts) > 1

_tag(parts) := "" if count(parts) == 1
