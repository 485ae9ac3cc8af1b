# METADATA
# title: EKS clusters send API server audit logs to CloudWatch
# description: >-
#   The Kubernetes audit log records who did what through the API server: reading secrets,
#   creating privileged pods, changing RBAC. EKS only ships it (to CloudWatch Logs) when
#   "audit" is among the cluster's `enabled_cluster_log_types`; otherwise that record does not
#   exist for investigations or alerting.
# scope: package
# custom:
#   id: aws-eks-control-plane-logging
#   check: kubernetes-audit-logging
#   severity: medium
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32, Art.33]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   resource_types: [aws_eks_cluster]
#   remediation: >-
#     Set `enabled_cluster_log_types = ["api", "audit", "authenticator"]` (at least "audit"), and
#     create the `/aws/eks/<cluster>/cluster` log group with a retention first.
package rules.aws.eks.control_plane_logging

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "enabled_cluster_log_types") if {
	some r in tenet.of_input_type("aws_eks_cluster")
	not tenet.is_unknown(r, "enabled_cluster_log_types")
	not "audit" in tenet.attr(r, "enabled_cluster_log_types", [])
	msg := sprintf("EKS cluster %q does not send API server audit logs (\"audit\" not in enabled_cluster_log_types)", [r.name])
}

undetermined contains tenet.finding(r, msg, "enabled_cluster_log_types") if {
	some r in tenet.of_input_type("aws_eks_cluster")
	tenet.is_unknown(r, "enabled_cluster_log_types")
	not "audit" in object.get(r.attributes, "enabled_cluster_log_types", [])
	msg := sprintf("enabled_cluster_log_types of EKS cluster %q is not known before apply", [r.name])
}
