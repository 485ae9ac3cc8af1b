package rules.aws.s3.public_acl_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.s3.public_acl as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

test_public_read_bucket_fires if {
	b := fixtures.resource("aws_s3_bucket", "b", {"acl": "public-read"})
	some f in deny([b])
	f.attribute == "acl"
}

test_public_bucket_acl_resource_fires if {
	a := fixtures.resource("aws_s3_bucket_acl", "a", {"acl": "public-read-write"})
	count(deny([a])) == 1
}

test_grant_to_all_users_fires if {
	a := fixtures.resource("aws_s3_bucket_acl", "a", {"access_control_policy": [{"grant": [{
		"permission": "READ",
		"grantee": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}],
	}]}]})
	some f in deny([a])
	f.attribute == "access_control_policy[0].grant[0].grantee[0].uri"
}

test_private_and_default_pass if {
	count(deny([
		fixtures.resource("aws_s3_bucket", "p", {"acl": "private"}),
		fixtures.resource("aws_s3_bucket", "d", {}),
		fixtures.resource("aws_s3_bucket_acl", "l", {"acl": "log-delivery-write"}),
	])) == 0
}

test_unknown_acl_is_undetermined if {
	b := fixtures.with_unknown(fixtures.resource("aws_s3_bucket", "b", {}), ["acl"])
	count(deny([b])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [b]}
}

test_unknown_grants_are_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_s3_bucket_acl", "a", {}), ["access_control_policy"])
	count(deny([a])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [a]}
}

test_registry_module_with_public_acl_fires if {
	m := fixtures.resource("module", "site", {"source": "terraform-aws-modules/s3-bucket/aws", "version": "~> 4.0", "acl": "public-read"})
	some f in rule.deny with input as {"resources": [m]} with data.inventory as fixtures.inventory([m])
	f.resource_id == m.id
	f.attribute == "acl"
}

test_registry_module_private_or_other_module_passes if {
	private := fixtures.resource("module", "logs", {"source": "registry.terraform.io/terraform-aws-modules/s3-bucket/aws", "acl": "private"})
	other := fixtures.resource("module", "web", {"source": "./modules/web", "acl": "public-read"})
	count(rule.deny) == 0 with input as {"resources": [private, other]} with data.inventory as fixtures.inventory([private, other])
}

test_registry_module_with_unknown_acl_is_undetermined if {
	m := fixtures.with_unknown(fixtures.resource("module", "site", {"source": "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git?ref=v4.1.0"}), ["acl"])
	count(rule.deny) == 0 with input as {"resources": [m]} with data.inventory as fixtures.inventory([m])
	count(rule.undetermined) == 1 with input as {"resources": [m]} with data.inventory as fixtures.inventory([m])
}
