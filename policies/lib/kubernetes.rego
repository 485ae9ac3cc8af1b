# Helpers for Kubernetes API objects (resources of origin `kubernetes`, type
# `<apiVersion>/<kind>`): one way to reach the pod spec of every workload kind and every
# container in it, with the attribute path a finding should point at.
package lib.kubernetes

import rego.v1

# The API group of a resource type: "" for the core group (`v1/Pod`), `apps` for
# `apps/v1/Deployment`.
group(r) := g if {
	parts := split(r.type, "/")
	count(parts) == 3
	g := parts[0]
}

group(r) := "" if count(split(r.type, "/")) == 2

# The kind of a resource type (its last segment).
kind(r) := k if {
	parts := split(r.type, "/")
	k := parts[count(parts) - 1]
}

# The pod spec of a workload: {"spec": <object>, "path": "spec.template.spec"}.
# Undefined for resources that are not workloads or have no pod spec. The kinds and where
# each keeps its pod spec (Pod: `spec`; ReplicationController, Deployment, StatefulSet,
# DaemonSet, ReplicaSet, Job: `spec.template.spec`; CronJob:
# `spec.jobTemplate.spec.template.spec`) are the loader's; the host builtin reads them.
pod_spec(r) := tenet_k8s_pod_spec(r)

# The workloads of the batch, each with its pod spec: [{"resource", "spec", "path"}].
# Arrays, not sets: a set of objects holding whole resources would compare them deeply on
# every insertion (this one alone was ~160 µs per workload, in each of ~20 rules).
workloads := [{"resource": r, "spec": ps.spec, "path": ps.path} |
	some r in input.resources
	ps := pod_spec(r)
]

# Every container of a workload (regular, init and ephemeral), as
# {"container", "path", "field", "pod": <pod spec>, "pod_path"}:
# `path` is e.g. `spec.template.spec.initContainers[1]`. A host builtin (this was the
# costliest part of every Kubernetes rule in Rego).
containers(r) := tenet_k8s_containers(r)

# The containers of the batch's workloads, each as `containers(r)` gives it, with the resource.
all_containers := [object.union(c, {"resource": r}) |
	some r in input.resources
	some c in containers(r)
]

# A readable name for a container in messages: `container "app" of apps/v1/Deployment "web"`.
# (A host builtin for the usual case; this sprintf for names `%q` would escape.)
describe(c) := d if {
	d := tenet_k8s_describe(c)
} else := sprintf("%s %q of %s %q", [container_word[c.field], object.get(c.container, "name", "?"), kind(c.resource), c.resource.name])

container_word := {"containers": "container", "initContainers": "init container", "ephemeralContainers": "ephemeral container"}

# The container's securityContext field `key`, or `fallback` (also when null).
sc(c, key, fallback) := tenet_get(tenet_obj(object.get(c.container, "securityContext", {})), key, fallback)

# The pod's securityContext field `key`, or `fallback` (also when null).
pod_sc(c, key, fallback) := tenet_get(tenet_obj(object.get(c.pod, "securityContext", {})), key, fallback)

# `v`, or `fallback` when `v` is null. The four helpers below are host builtins (tenet's
# `policy/builtins.rs`): in Rego, each call evaluated both bodies of a two-body function,
# and rules call them many times per container.
_or(v, fallback) := tenet_or(v, fallback)

# A value that should be a list, as a list ([] for null or a malformed value), so a rule
# never fails to evaluate on a broken manifest.
list(x) := tenet_list(x)

# A value that should be an object, as an object ({} for null or a malformed value).
obj(x) := tenet_obj(x)

# Field at `path` (a list of keys) of an object, through missing or null levels: `fallback`.
# Like `object.get`, an error when `o` is not an object.
get(o, path, fallback) := tenet_get(o, path, fallback)

# The deepest existing path of `segments` under the container, for findings about a field
# that is absent: `...containers[0].securityContext` when there is one, else the container.
# (A host builtin for a well-formed container and segments; the Rego for the rest.)
container_path(c, segments) := p if {
	p := tenet_k8s_container_path(c, segments)
} else := concat(".", array.concat([c.path], array.slice(segments, 0, n))) if {
	n := max({0} | {i |
		some i in numbers.range(1, count(segments))
		object.get(c.container, array.slice(segments, 0, i), null) != null
	})
}

# The namespace an object names in `metadata.namespace` (null when it leaves it to apply time).
namespace(r) := object.get(r.scope, "namespace", null)

# The metadata of a workload's pod (template): {"meta": <object>, "path": "spec.template.metadata"}
# (`metadata` for a Pod). `meta` is {} when the template has none.
# (A host builtin, beside `pod_spec`.)
pod_metadata(r) := tenet_k8s_pod_metadata(r)

# The annotations of a workload's pods (those of the pod template for controllers).
pod_annotations(r) := obj(object.get(pod_metadata(r).meta, "annotations", {}))

# The service account a workload's pods run as: `serviceAccountName`, the deprecated
# `serviceAccount`, else "default".
service_account_name(spec) := name if {
	name := get(spec, ["serviceAccountName"], get(spec, ["serviceAccount"], "default"))
	is_string(name)
	name != ""
} else := "default" if get(spec, ["serviceAccountName"], get(spec, ["serviceAccount"], "default")) == ""

# The ServiceAccount objects of the whole scan named `name` that a workload `r` in its
# namespace would use: the same `metadata.namespace` or, for objects that leave it to apply
# time, both without one and in the same directory (as the loader matches references).
service_accounts(r, name) := [sa |
	some id in service_accounts_by_name[name]
	sa := data.inventory.resources[id]
	same_namespace(sa, r)
]

# The ids of the scan's ServiceAccount objects by name, built once per evaluation (looking
# through all of them for each workload was the slowest part of two rules).
service_accounts_by_name[sa.name] contains id if {
	some id in object.get(data.inventory.by_type, "v1/ServiceAccount", [])
	sa := data.inventory.resources[id]
}

same_namespace(a, b) if {
	namespace(a) != null
	namespace(a) == namespace(b)
}

same_namespace(a, b) if {
	namespace(a) == null
	namespace(b) == null
	dir(a) == dir(b)
}

# The directory of an object's file.
dir(r) := regex.replace(object.get(r.source, "file", ""), "/?[^/]*$", "")

# The rules of the batch's Roles and ClusterRoles: {"resource", "index", "rule"}.
role_rules := [{"resource": r, "index": i, "rule": rule} |
	some r in input.resources
	r.provider == "kubernetes"
	group(r) == "rbac.authorization.k8s.io"
	kind(r) in {"Role", "ClusterRole"}
	some i, rule in list(object.get(r.attributes, "rules", []))
	is_object(rule)
]

# The strings of a role rule's field (`verbs`, `resources`, `apiGroups`, `resourceNames`).
rule_values(rule, field) := [x | some x in list(object.get(rule, field, [])); is_string(x)]

# A role rule applies to API group `g` (`""` for the core group).
in_api_group(rule, g) if {
	some x in rule_values(rule, "apiGroups")
	x in {g, "*"}
}
