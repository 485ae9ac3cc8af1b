# METADATA
# title: S3 bucket ACL does not grant access to everyone
# description: >-
#   A canned ACL of public-read, public-read-write or authenticated-read, or a grant to the
#   AllUsers or AuthenticatedUsers groups, lets anyone on the internet (or any AWS account)
#   list, read or write the bucket's objects. Public buckets are the most common cause of
#   cloud data leaks; object storage holding personal, health or card data must never be
#   world-readable.
# scope: package
# custom:
#   id: aws-s3-public-acl
#   check: object-storage-public
#   severity: high
#   resource_types: [aws_s3_bucket, aws_s3_bucket_acl, module]
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.5.15, A.8.3]
#     gdpr: [Art.25(2), Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Use `acl = "private"` (or no ACL with object ownership `BucketOwnerEnforced`) and remove
#     grants to the AllUsers and AuthenticatedUsers groups; share data through bucket policies
#     naming specific principals, CloudFront with origin access control, or presigned URLs.
package rules.aws.s3.public_acl

import rego.v1

import data.lib.tenet

public_acls := {"public-read", "public-read-write", "authenticated-read"}

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

deny contains tenet.finding(r, msg, "acl") if {
	some r in input.resources
	r.type in {"aws_s3_bucket", "aws_s3_bucket_acl"}
	acl := tenet.attr(r, "acl", "private")
	acl in public_acls
	msg := sprintf("%s %q has the canned ACL %q, which opens the bucket to everyone", [r.type, r.name, acl])
}

# A call of the community S3 bucket module that tenet could not expand (a registry module
# `terraform init` has not installed): its `acl` input becomes the bucket's canned ACL.
deny contains tenet.finding(r, msg, "acl") if {
	some r in tenet.of_input_type("module")
	s3_bucket_module(r)
	acl := tenet.attr(r, "acl", "private")
	acl in public_acls
	msg := sprintf("module %q creates an S3 bucket with the canned ACL %q, which opens it to everyone", [r.name, acl])
}

undetermined contains tenet.finding(r, msg, "acl") if {
	some r in tenet.of_input_type("module")
	s3_bucket_module(r)
	tenet.is_unknown(r, "acl")
	msg := sprintf("the ACL that module %q gives its S3 bucket depends on a value not known before apply", [r.name])
}

# The registry or GitHub source of terraform-aws-modules/s3-bucket.
s3_bucket_module(r) if {
	source := lower(tenet.attr(r, "source", ""))
	regex.match(`(^|/)terraform-aws-modules/s3-bucket/aws(//.*)?$`, source)
}

s3_bucket_module(r) if {
	source := lower(tenet.attr(r, "source", ""))
	contains(source, "github.com/terraform-aws-modules/terraform-aws-s3-bucket")
}

# Inline grants on aws_s3_bucket (provider v3).
deny contains tenet.finding(r, msg, sprintf("grant[%d].uri", [i])) if {
	some r in tenet.of_input_type("aws_s3_bucket")
	some i, g in tenet.blocks(tenet.attr(r, "grant", []))
	g.uri in public_groups
	msg := sprintf("S3 bucket %q grants %v to %s", [r.name, tenet.get(g, "permissions", []), g.uri])
}

# Grants in aws_s3_bucket_acl's access_control_policy.
deny contains tenet.finding(r, msg, sprintf("access_control_policy[%d].grant[%d].grantee[%d].uri", [i, j, k])) if {
	some r in tenet.of_input_type("aws_s3_bucket_acl")
	some i, policy in tenet.blocks(tenet.attr(r, "access_control_policy", []))
	some j, g in tenet.blocks(tenet.get(policy, "grant", []))
	some k, grantee in tenet.blocks(tenet.get(g, "grantee", []))
	grantee.uri in public_groups
	msg := sprintf("aws_s3_bucket_acl %q grants %s to %s", [r.name, tenet.get(g, "permission", "access"), grantee.uri])
}

undetermined contains tenet.finding(r, msg, attribute) if {
	some r in input.resources
	some attribute in ["grant", "access_control_policy"]
	r.type in {"aws_s3_bucket", "aws_s3_bucket_acl"}
	tenet.is_unknown(r, attribute)
	msg := sprintf("the grants of %s %q depend on values not known before apply", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "acl") if {
	some r in input.resources
	r.type in {"aws_s3_bucket", "aws_s3_bucket_acl"}
	tenet.is_unknown(r, "acl")
	msg := sprintf("the ACL of %s %q depends on a value not known before apply", [r.type, r.name])
}
