# METADATA
# title: Containers use a read-only root file system
# description: >-
#   With a writable root file system an intruder can drop tools and binaries into the
#   container, alter its programs or configuration and persist across process restarts. A
#   read-only root file system (with writable emptyDir volumes only where the application
#   needs them) blocks that and makes unexpected changes fail loudly.
# scope: package
# custom:
#   id: k8s-read-only-root-filesystem
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
#     soc2: ["CC6.8"]
#     iso27001-2022: ["A.8.9"]
#     gdpr: []
#     hipaa: ["164.312(c)(1)"]
#     pci-dss-4.0: ["2.2.1"]
#   remediation: >-
#     Set `securityContext.readOnlyRootFilesystem: true` and mount emptyDir volumes at the
#     paths the application writes to (such as /tmp).
package rules.kubernetes.pod.read_only_root_filesystem

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(c.resource, msg, attribute) if {
	some c in data.lib.kubernetes.all_containers
	value := k8s.sc(c, "readOnlyRootFilesystem", null)
	value != true
	attribute := field_path(c, value)
	msg := sprintf("%s does not set readOnlyRootFilesystem to true", [k8s.describe(c)])
}

field_path(c, null) := k8s.container_path(c, ["securityContext"])

field_path(c, value) := sprintf("%s.securityContext.readOnlyRootFilesystem", [c.path]) if value != null
