# METADATA
# title: Containers do not bind ports on the node (hostPort)
# description: >-
#   A `hostPort` opens the port on every node the pod runs on, on the node's own addresses.
#   The container is then reachable by anything that can reach the node, outside the
#   Service and Ingress paths that the cluster's exposure controls and reviews cover, and
#   depending on the network plugin NetworkPolicies may not apply to that traffic. It also
#   pins the pod to nodes where the port is free and leaks node addresses to clients.
# scope: package
# custom:
#   id: k8s-host-port
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
#     soc2: ["CC6.6"]
#     iso27001-2022: ["A.8.20", "A.8.22"]
#     gdpr: ["Art.32"]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "2.2.1"]
#   remediation: >-
#     Remove `hostPort` from the container's ports and expose the port through a Service
#     (ClusterIP, or a LoadBalancer/Ingress where it must be reachable from outside), so that
#     access goes through the cluster's network controls.
package rules.kubernetes.pod.host_port

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(c.resource, msg, sprintf("%s.ports[%d].hostPort", [c.path, i])) if {
	some c in data.lib.kubernetes.all_containers
	some i, port in k8s.list(object.get(c.container, "ports", []))
	is_object(port)
	host_port := object.get(port, "hostPort", 0)
	is_number(host_port)
	host_port > 0
	msg := sprintf("%s binds port %d on the node (hostPort)", [k8s.describe(c), host_port])
}
