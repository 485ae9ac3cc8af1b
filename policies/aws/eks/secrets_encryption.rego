# METADATA
# title: EKS clusters encrypt Kubernetes secrets with a KMS key
# description: >-
#   Kubernetes secrets hold passwords, tokens and keys. Envelope encryption of secrets with a
#   customer-managed KMS key (`encryption_config` for the "secrets" resource) means a copy of
#   the etcd data is useless without access to that key, and key access is separately
#   controlled, audited and revocable. Without it, secrets rely only on EKS's default
#   encryption with a key you do not control.
# scope: package
# custom:
#   id: aws-eks-secrets-encryption
#   check: kubernetes-secrets-encryption
#   severity: medium
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   resource_types: [aws_eks_cluster]
#   remediation: >-
#     Add `encryption_config { resources = ["secrets"] provider { key_arn = aws_kms_key.eks.arn } }`
#     to the cluster.
package rules.aws.eks.secrets_encryption

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "encryption_config") if {
	some r in tenet.of_input_type("aws_eks_cluster")
	not "encryption_config" in r.unknown
	not encrypts_secrets(r)
	not maybe_encrypts_secrets(r)
	msg := sprintf("EKS cluster %q does not encrypt Kubernetes secrets with a KMS key (no encryption_config for \"secrets\")", [r.name])
}

undetermined contains tenet.finding(r, msg, "encryption_config") if {
	some r in tenet.of_input_type("aws_eks_cluster")
	not encrypts_secrets(r)
	unknown_config(r)
	msg := sprintf("whether EKS cluster %q encrypts secrets depends on values not known before apply", [r.name])
}

unknown_config(r) if "encryption_config" in r.unknown

unknown_config(r) if maybe_encrypts_secrets(r)

encrypts_secrets(r) if {
	some c in tenet.blocks(tenet.attr(r, "encryption_config", []))
	"secrets" in tenet.get(c, "resources", [])
}

# A config whose resources list is (partly) unknown.
maybe_encrypts_secrets(r) if {
	some i, _ in tenet.blocks(tenet.attr(r, "encryption_config", []))
	tenet.is_unknown(r, sprintf("encryption_config[%d].resources", [i]))
}
