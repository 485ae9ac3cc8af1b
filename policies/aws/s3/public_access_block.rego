# METADATA
# title: S3 bucket has a public access block with all four settings on
# description: >-
#   S3 Block Public Access is the guard rail that overrides public ACLs and public bucket
#   policies, including ones added later by mistake. Each bucket should state it, with
#   block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all
#   true; a setting left false (Terraform's default for each) reopens a path to public data.
#   An account-level public access block with all four settings, in the same Terraform module,
#   satisfies the check for the module's buckets.
# scope: package
# custom:
#   id: aws-s3-public-access-block
#   check: object-storage-public
#   severity: high
#   resource_types: [aws_s3_bucket, aws_s3_bucket_public_access_block, aws_s3_account_public_access_block]
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.5.15, A.8.3]
#     gdpr: [Art.25(2), Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Add an `aws_s3_bucket_public_access_block` for the bucket with `block_public_acls`,
#     `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` set to true (or
#     an `aws_s3_account_public_access_block` with the same four settings).
package rules.aws.s3.public_access_block

import rego.v1

import data.lib.aws
import data.lib.tenet

companion := "aws_s3_bucket_public_access_block"

settings := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains tenet.finding(b, msg, "") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not account_block(b)
	not account_block_unknown(b)
	count(aws.bucket_companions(b, companion)) == 0
	not aws.unresolved_companion(b, companion)
	msg := sprintf("S3 bucket %q declares no %s: its protection against public ACLs and policies depends on account defaults that the configuration does not state", [b.name, companion])
}

deny contains tenet.finding(p, msg, s) if {
	some p in tenet.of_input_type(companion)
	not account_block(p)
	not account_block_unknown(p)
	some s in settings
	not tenet.is_unknown(p, s)
	tenet.bool_attr(p, s, false) == false
	msg := sprintf("%s %q leaves %s off", [companion, p.name, s])
}

undetermined contains tenet.finding(p, msg, s) if {
	some p in tenet.of_input_type(companion)
	not account_block(p)
	some s in settings
	tenet.is_unknown(p, s)
	msg := sprintf("%s of %s %q depends on a value not known before apply", [s, companion, p.name])
}

undetermined contains tenet.finding(b, msg, "") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not account_block(b)
	count(aws.bucket_companions(b, companion)) == 0
	aws.unresolved_companion(b, companion)
	msg := sprintf("a %s in this module may belong to S3 bucket %q; its bucket is not known before apply", [companion, b.name])
}

undetermined contains tenet.finding(b, msg, "") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not account_block(b)
	account_block_unknown(b)
	msg := sprintf("an aws_s3_account_public_access_block may cover S3 bucket %q, but its settings are not known before apply", [b.name])
}

# An account-wide block whose settings (or existence) are not known.
account_block_unknown(r) if {
	some a in account_blocks(r)
	some s in settings
	tenet.is_unknown(a, s)
}

account_block_unknown(r) if {
	some a in account_blocks(r)
	tenet.maybe_absent(a)
}

# Account-wide blocks configured in the resource's Terraform module (one deployment, so one
# account; a block in another root module may belong to another account).
account_blocks(r) := [a |
	some a in tenet.of_type("aws_s3_account_public_access_block")
	tenet.module_dir(a) == tenet.module_dir(r)
]

# An account-wide block with every setting on covers all buckets.
account_block(r) if {
	some a in account_blocks(r)
	not tenet.maybe_absent(a)
	every s in settings {
		tenet.bool_attr(a, s, false) == true
	}
}
