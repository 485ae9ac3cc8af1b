# METADATA
# title: EKS cluster API endpoints are not open to the internet
# description: >-
#   The Kubernetes API server controls everything in the cluster. EKS gives it a public
#   endpoint reachable from any address by default, which exposes it to credential attacks
#   and to any vulnerability of the API server. Keep the endpoint private, or restrict the
#   public endpoint to known networks with `public_access_cidrs`.
# scope: package
# custom:
#   id: aws-eks-public-endpoint
#   check: kubernetes-api-public
#   severity: high
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   resource_types: [aws_eks_cluster]
#   remediation: >-
#     In `vpc_config`, set `endpoint_private_access = true` and `endpoint_public_access = false`
#     (reach the API through a VPN or bastion), or list your networks in `public_access_cidrs`.
package rules.aws.eks.public_endpoint

import rego.v1

import data.lib.aws
import data.lib.tenet

deny contains tenet.finding(r, msg, attribute) if {
	some r in tenet.of_input_type("aws_eks_cluster")
	some i, c in tenet.blocks(tenet.attr(r, "vpc_config", []))
	public := sprintf("vpc_config[%d].endpoint_public_access", [i])
	cidrs := sprintf("vpc_config[%d].public_access_cidrs", [i])
	not tenet.is_unknown(r, public)
	not tenet.is_unknown(r, cidrs)
	tenet.to_bool(tenet.get(c, "endpoint_public_access", true)) == true
	some cidr in tenet.get(c, "public_access_cidrs", ["0.0.0.0/0"])
	aws.public_cidr(cidr)
	attribute := location(c, i)
	msg := sprintf("EKS cluster %q exposes its API endpoint to the whole internet (%s)", [r.name, cidr])
}

location(c, i) := sprintf("vpc_config[%d].public_access_cidrs", [i]) if tenet.has_value(c, "public_access_cidrs")

location(c, i) := sprintf("vpc_config[%d].endpoint_public_access", [i]) if {
	not tenet.has_value(c, "public_access_cidrs")
	tenet.has_value(c, "endpoint_public_access")
}

location(c, i) := sprintf("vpc_config[%d]", [i]) if {
	not tenet.has_value(c, "public_access_cidrs")
	not tenet.has_value(c, "endpoint_public_access")
}

undetermined contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type("aws_eks_cluster")
	some i, c in tenet.blocks(tenet.attr(r, "vpc_config", []))
	some field in ["endpoint_public_access", "public_access_cidrs"]
	path := sprintf("vpc_config[%d].%s", [i, field])
	tenet.is_unknown(r, path)
	not private(c)
	msg := sprintf("whether the API endpoint of EKS cluster %q is public depends on %s, which is not known before apply", [r.name, path])
}

undetermined contains tenet.finding(r, msg, "vpc_config") if {
	some r in tenet.of_input_type("aws_eks_cluster")
	"vpc_config" in r.unknown
	msg := sprintf("the vpc_config of EKS cluster %q is not known before apply", [r.name])
}

private(c) if tenet.to_bool(tenet.get(c, "endpoint_public_access", true)) == false
