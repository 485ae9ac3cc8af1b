# Helpers for rules on Google Cloud: Terraform's `google_*` schema (the live GCP collector maps
# Cloud Asset Inventory onto the same schema). As in lib.tenet, a value that is not known before
# apply is never read as its default: helpers keep known and unknown parts apart so that rules
# deny on what is known and report the rest as undetermined.
package lib.gcp

import rego.v1

import data.lib.tenet

# --- Principals -------------------------------------------------------------------------------

# IAM members (and ACL entities) that stand for anyone: `allUsers` is everyone on the internet,
# `allAuthenticatedUsers` anyone signed in to any Google account. Both make a grant public.
public_member(m) if trim_space(sprintf("%v", [m])) in {"allUsers", "allAuthenticatedUsers"}

# A legacy ACL entry "ROLE:entity" (google_storage_bucket_acl `role_entity`, ...) or a bare
# entity naming one of the public principals.
public_acl_entity(e) if public_member(e)

public_acl_entity(e) if {
	parts := split(sprintf("%v", [e]), ":")
	count(parts) == 2
	public_member(parts[1])
}

# --- IAM grants -------------------------------------------------------------------------------
# The three Terraform ways to grant a role on a GCP resource, for every resource kind
# (project, folder, organization, bucket, dataset, ...):
#   google_<kind>_iam_member   one `role` + one `member` (adds to the policy)
#   google_<kind>_iam_binding  one `role` + a `members` list (authoritative for that role)
#   google_<kind>_iam_policy   `policy_data`: a whole policy, as JSON (jsonencode, a heredoc,
#                              plan JSON) or the `policy_data` of a data.google_iam_policy
# `iam_grants` normalizes them into one shape per role granted:
#   {"resource", "attribute" (path for the finding), "role", "role_unknown",
#    "members" (the known members), "members_unknown" (some member is not known)}
# Grants of a policy whose content cannot be read are in `iam_unknown_policies` instead.

iam_grants := array.concat(array.concat(array.concat(member_grants, binding_grants), policy_json_grants), policy_document_grants)

member_grants := [g |
	some r in input.resources
	endswith(r.type, "_iam_member")
	g := {
		"resource": r, "attribute": "member",
		"role": tenet.get(r.attributes, "role", ""), "role_unknown": tenet.unknown_flag(r, "role"),
		"members": [m | m := tenet.get(r.attributes, "member", null); m != null],
		"members_unknown": tenet.unknown_flag(r, "member"),
	}
]

binding_grants := [g |
	some r in input.resources
	endswith(r.type, "_iam_binding")
	g := {
		"resource": r, "attribute": "members",
		"role": tenet.get(r.attributes, "role", ""), "role_unknown": tenet.unknown_flag(r, "role"),
		"members": [m | some m in tenet.as_list(tenet.get(r.attributes, "members", [])); m != null],
		"members_unknown": tenet.unknown_flag(r, "members"),
	}
]

# A policy given as JSON text: {"bindings": [{"role": ..., "members": [...]}]}.
policy_json_grants := [g |
	some r in input.resources
	endswith(r.type, "_iam_policy")
	doc := json_policy(r)
	some b in tenet.blocks(tenet.get(doc, "bindings", []))
	g := {
		"resource": r, "attribute": "policy_data",
		"role": tenet.get(b, "role", ""), "role_unknown": false,
		"members": [m | some m in tenet.as_list(tenet.get(b, "members", [])); m != null],
		"members_unknown": false,
	}
]

# A policy whose `policy_data` is a data.google_iam_policy: its `binding` blocks (the data
# source's own unknown values stay unknown).
policy_document_grants := [g |
	some r in input.resources
	endswith(r.type, "_iam_policy")
	some doc in policy_documents(r)
	some i, b in tenet.blocks(tenet.attr(doc, "binding", []))
	g := {
		"resource": r, "attribute": "policy_data",
		"role": tenet.get(b, "role", ""), "role_unknown": tenet.unknown_flag(doc, sprintf("binding[%d].role", [i])),
		"members": [m | some m in tenet.as_list(tenet.get(b, "members", [])); m != null],
		"members_unknown": tenet.unknown_flag(doc, sprintf("binding[%d].members", [i])),
	}
]

# _iam_policy resources whose bindings cannot be read before apply: `policy_data` is unknown
# and is not wholly a data.google_iam_policy, or that data source's bindings are unknown.
iam_unknown_policies contains r if {
	some r in input.resources
	endswith(r.type, "_iam_policy")
	tenet.is_unknown(r, "policy_data")
	count(policy_documents(r)) == 0
}

iam_unknown_policies contains r if {
	some r in input.resources
	endswith(r.type, "_iam_policy")
	some doc in policy_documents(r)
	"binding" in doc.unknown
}

json_policy(r) := doc if {
	text := tenet.get(r.attributes, "policy_data", null)
	is_string(text)
	json.is_valid(text)
	doc := json.unmarshal(text)
	is_object(doc)
}

# The data.google_iam_policy resources that are the whole value of r's `policy_data`.
policy_documents(r) := {doc |
	some ref in r.refs
	ref.attribute == "policy_data"
	ref.direct
	doc := data.inventory.resources[ref.to]
	doc.type == "google_iam_policy"
}

# --- Firewall rules (google_compute_firewall) -------------------------------------------------

# Source ranges that mean "anyone on the internet".
public_cidr(c) if trim_space(sprintf("%v", [c])) in {"0.0.0.0/0", "::/0"}

# The rule is an ingress rule: `direction` defaults to INGRESS.
ingress(r) if upper(sprintf("%v", [tenet.attr(r, "direction", "INGRESS")])) == "INGRESS"

# The rule is in force (`disabled` defaults to false).
enabled(r) if tenet.bool_attr(r, "disabled", false) == false

# The internet sources an ingress rule admits: every public entry of `source_ranges`; and when
# the rule names no source at all (no ranges, tags or service accounts), GCP applies it to
# 0.0.0.0/0, so that is returned too. Empty when the sources are not public or not known.
public_sources(r) := [c | some c in tenet.as_list(tenet.attr(r, "source_ranges", [])); public_cidr(c)] if {
	count(tenet.as_list(tenet.attr(r, "source_ranges", []))) > 0
}

public_sources(r) := ["0.0.0.0/0 (no source given)"] if {
	every key in ["source_ranges", "source_tags", "source_service_accounts"] {
		count(tenet.as_list(tenet.attr(r, key, []))) == 0
	}
}

public_sources(r) := [] if {
	count(tenet.as_list(tenet.attr(r, "source_ranges", []))) == 0
	some key in ["source_tags", "source_service_accounts"]
	count(tenet.as_list(tenet.attr(r, key, []))) > 0
}

# Whether the rule's sources, direction or state are unknown (so its exposure is undetermined).
sources_unknown(r) if {
	some key in ["source_ranges", "source_tags", "source_service_accounts", "direction", "disabled"]
	tenet.is_unknown(r, key)
}

# A protocol meaning every protocol (and therefore every port).
all_protocols(p) if lower(trim_space(sprintf("%v", [p]))) == "all"

# Protocols that have ports (by name or IANA number); for them, an absent `ports` list means
# every port.
ported_protocol(p) if lower(trim_space(sprintf("%v", [p]))) in {"tcp", "udp", "sctp", "6", "17", "132"}

tcp_protocol(p) if lower(trim_space(sprintf("%v", [p]))) in {"tcp", "6"}

# Does a port specification ("22", 22, "20-30") include `port`? Undefined for a malformed one.
port_in_spec(spec, port) if tenet.number(spec) == port

port_in_spec(spec, port) if {
	parts := split(trim_space(sprintf("%v", [spec])), "-")
	count(parts) == 2
	tenet.number(parts[0]) <= port
	port <= tenet.number(parts[1])
}

# Does an `allow` block open TCP `port`: protocol "all", or TCP with no `ports` (every port) or
# with a port spec covering it.
allow_opens_tcp_port(allow, port) if all_protocols(tenet.get(allow, "protocol", ""))

allow_opens_tcp_port(allow, port) if {
	tcp_protocol(tenet.get(allow, "protocol", ""))
	count(tenet.as_list(tenet.get(allow, "ports", []))) == 0
}

allow_opens_tcp_port(allow, port) if {
	tcp_protocol(tenet.get(allow, "protocol", ""))
	some spec in tenet.as_list(tenet.get(allow, "ports", []))
	port_in_spec(spec, port)
}

# Does an `allow` block open every port: protocol "all", or a ported protocol with no `ports`
# or with a range covering 1-65535 ("0-65535" included).
allow_all_ports(allow) if all_protocols(tenet.get(allow, "protocol", ""))

allow_all_ports(allow) if {
	ported_protocol(tenet.get(allow, "protocol", ""))
	count(tenet.as_list(tenet.get(allow, "ports", []))) == 0
}

allow_all_ports(allow) if {
	ported_protocol(tenet.get(allow, "protocol", ""))
	some spec in tenet.as_list(tenet.get(allow, "ports", []))
	parts := split(trim_space(sprintf("%v", [spec])), "-")
	count(parts) == 2
	tenet.number(parts[0]) <= 1
	tenet.number(parts[1]) >= 65535
}

# --- Misc -------------------------------------------------------------------------------------

# The first block of a nested block attribute, or {} when absent (callers check unknowns).
first_block(r, key) := b if {
	some b in array.slice(tenet.blocks(tenet.attr(r, key, [])), 0, 1)
	is_object(b)
}

first_block(r, key) := {} if count(tenet.blocks(tenet.attr(r, key, []))) == 0

# A nested block attribute is present (at least one block).
has_block(r, key) if count(tenet.blocks(tenet.attr(r, key, []))) > 0

# A Terraform duration in seconds ("7776000s", "86400.5s") as a number of seconds.
duration_seconds(d) := tenet.number(trim_suffix(trim_space(d), "s")) if {
	is_string(d)
	endswith(trim_space(d), "s")
}

# The attribute at `path` is wholly a reference to a resource of one of `types` (its value is
# computed, e.g. a key's `id` or a service account's `email`, but it certainly names that
# resource). Lets rules accept "some key is set" without knowing its value.
refers_to(r, path, types) if {
	some ref in r.refs
	ref.attribute == path
	ref.direct
	data.inventory.resources[ref.to].type in types
}

# The KMS key types a CMEK setting can name.
kms_key_types := {"google_kms_crypto_key", "google_kms_crypto_key_version"}

# A CMEK field (the value at `path` of r, read from `value`) is set: a known non-empty value,
# or a reference to a KMS key resource.
key_set(r, path, value) if {
	is_string(value)
	value != ""
}

key_set(r, path, _) if refers_to(r, path, kms_key_types)

# The key field is unknown and not a reference to a key: whether a key is set is undetermined.
key_unknown(r, path) if {
	tenet.is_unknown(r, path)
	not refers_to(r, path, kms_key_types)
}

# --- Cloud Audit Logs configuration -----------------------------------------------------------

# Terraform types that configure Data Access audit logs of a project, folder or organization.
audit_config_types := {"google_project_iam_audit_config", "google_folder_iam_audit_config", "google_organization_iam_audit_config"}

# The log types (ADMIN_READ, DATA_READ, DATA_WRITE) an audit config resource turns on.
audit_log_types(r) := {upper(t) |
	some c in tenet.blocks(tenet.attr(r, "audit_log_config", []))
	t := tenet.get(c, "log_type", "")
	is_string(t)
}

# Some audit config in the graph logs data reads and writes for `service` (or allServices).
# The graph cannot tell which project a config applies to when projects are variables, so any
# such config counts; certainly-existing ones only.
data_access_logged(service) if {
	some t in audit_config_types
	some r in tenet.of_type(t)
	not tenet.maybe_absent(r)
	tenet.attr(r, "service", "") in {"allServices", service}
	{"DATA_READ", "DATA_WRITE"} - audit_log_types(r) == set()
}

# The first block of the nested block `key` inside an object (a block of a block), or {} when
# absent.
sub_block(obj, key) := b if {
	some b in array.slice(tenet.blocks(tenet.get(obj, key, [])), 0, 1)
	is_object(b)
}

sub_block(obj, key) := {} if count(tenet.blocks(tenet.get(obj, key, []))) == 0

# --- Cloud SQL --------------------------------------------------------------------------------

# The `settings` block of a google_sql_database_instance ({} when absent).
sql_settings(r) := first_block(r, "settings")

# The instance is a read replica (it names its primary): replicas inherit backups and
# availability from their primary, so rules on those skip them.
sql_replica(r) if tenet.attr(r, "master_instance_name", "") != ""

sql_replica(r) if refers_to(r, "master_instance_name", {"google_sql_database_instance"})

# Whether the instance is a replica cannot be known.
sql_replica_unknown(r) if {
	tenet.is_unknown(r, "master_instance_name")
	not refers_to(r, "master_instance_name", {"google_sql_database_instance"})
}

# Every `allow` block of the batch's enabled ingress firewall rules whose sources are known, as
# {"resource", "index", "allow", "sources" (the internet sources it admits, maybe empty),
#  "attribute" (where a finding points), "ports_unknown" (its protocol or ports are unknown)}.
firewall_allows := [x |
	some r in tenet.of_input_type("google_compute_firewall")
	not sources_unknown(r)
	ingress(r)
	enabled(r)
	some i, allow in tenet.blocks(tenet.attr(r, "allow", []))
	is_object(allow)
	x := {
		"resource": r, "index": i, "allow": allow, "sources": public_sources(r),
		"attribute": firewall_attribute(r, i),
		"ports_unknown": tenet.unknown_flag(r, sprintf("allow[%d]", [i])),
	}
]

# Firewall rules whose exposure cannot be decided: sources, direction or state unknown, or the
# `allow` blocks as a whole (or one of them) unknown.
firewall_unknown contains r if {
	some r in tenet.of_input_type("google_compute_firewall")
	sources_unknown(r)
	count(tenet.blocks(tenet.attr(r, "allow", []))) > 0
}

firewall_unknown contains r if {
	some r in tenet.of_input_type("google_compute_firewall")
	"allow" in r.unknown
}

firewall_unknown contains x.resource if {
	some x in firewall_allows
	count(x.sources) > 0
	x.ports_unknown
}

firewall_attribute(r, _) := "source_ranges" if count(tenet.as_list(tenet.attr(r, "source_ranges", []))) > 0

firewall_attribute(r, i) := sprintf("allow[%d]", [i]) if count(tenet.as_list(tenet.attr(r, "source_ranges", []))) == 0

# An object has at least one block `key` (an empty block `x {}` counts: it is present).
has_sub_block(obj, key) if count(tenet.blocks(tenet.get(obj, key, []))) > 0
