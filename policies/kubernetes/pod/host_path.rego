# METADATA
# title: Pods do not mount directories of the node
# description: >-
#   A hostPath volume exposes a directory of the node to the pod. Mounting `/`, `/etc`, the
#   kubelet's directories or the container runtime's socket hands over the node and every
#   other pod's data; even harmless-looking paths let a pod write where the node trusts its
#   contents. It also ties the pod to one node's disk.
# scope: package
# custom:
#   id: k8s-host-path-volume
#   severity: high
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
#     iso27001-2022: ["A.8.2", "A.8.3"]
#     gdpr: ["Art.32"]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["2.2.1", "7.2.1"]
#   remediation: >-
#     Replace hostPath volumes with persistent volumes, ConfigMaps, Secrets, emptyDir or CSI
#     volumes. Where a node agent needs a host directory, mount only that directory,
#     read-only, and keep the workload in a restricted system namespace.
package rules.kubernetes.pod.host_path

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(w.resource, msg, sprintf("%s.volumes[%d].hostPath", [w.path, i])) if {
	some w in data.lib.kubernetes.workloads
	some i, volume in k8s.list(object.get(w.spec, "volumes", []))
	is_object(volume)
	host_path := object.get(volume, "hostPath", null)
	host_path != null
	msg := sprintf("%s %q mounts the node's %s through hostPath volume %q", [k8s.kind(w.resource), w.resource.name, path_of(host_path), object.get(volume, "name", "?")])
}

path_of(h) := sprintf("%q", [h.path]) if is_string(h.path)

path_of(h) := "directory" if not is_string(h.path)
