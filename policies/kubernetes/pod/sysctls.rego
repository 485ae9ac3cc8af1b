# METADATA
# title: Pods set only safe sysctls
# description: >-
#   Kubernetes treats a small set of kernel parameters as safe: they are namespaced per pod
#   and cannot affect other pods or the node. Any other sysctl either changes the node's
#   kernel for every workload on it or can starve neighbours of resources, and the kubelet
#   only allows it when explicitly permitted. A workload that sets one weakens the isolation
#   between tenants of the node.
# scope: package
# custom:
#   id: k8s-unsafe-sysctls
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
#   params:
#     allowed_sysctls: []
#   remediation: >-
#     Remove the sysctl from `securityContext.sysctls`. If the workload truly needs it, run
#     it on dedicated, tainted nodes whose kubelet allows that sysctl, and list it in the
#     `allowed_sysctls` parameter.
package rules.kubernetes.pod.sysctls

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

# The safe set of the Pod Security Standards (baseline profile).
safe := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
}

allowed := {canonical(s) | some s in object.get(data, ["config", "allowed_sysctls"], []); is_string(s)}

# Sysctl names may use "/" as the separator (net/ipv4/tcp_syncookies).
canonical(name) := replace(name, "/", ".") if not contains(name, ".")

canonical(name) := name if contains(name, ".")

deny contains tenet.finding(w.resource, msg, sprintf("%s.securityContext.sysctls[%d].name", [w.path, i])) if {
	some w in data.lib.kubernetes.workloads
	some i, sysctl in k8s.list(k8s.get(w.spec, ["securityContext", "sysctls"], []))
	name := object.get(k8s.obj(sysctl), "name", null)
	is_string(name)
	not canonical(name) in safe
	not canonical(name) in allowed
	msg := sprintf("%s %q sets the unsafe sysctl %s", [k8s.kind(w.resource), w.resource.name, name])
}
