# Builders of Kubernetes resources for Rego unit tests, shaped as the loader makes them.
package lib.kubernetes_fixtures

import rego.v1

# An API object of `type` (`apps/v1/Deployment`) named `name`, with the fields of `fields`
# besides apiVersion, kind and metadata.name.
resource(type, name, fields) := r if {
	parts := split(type, "/")
	kind := parts[count(parts) - 1]
	api_version := concat("/", array.slice(parts, 0, count(parts) - 1))
	r := {
		"id": sprintf("kubernetes:test.yaml/_/%s/%s", [kind, name]),
		"type": type,
		"name": name,
		"origin": "kubernetes",
		"mode": "managed",
		"provider": "kubernetes",
		"scope": {"account": null, "region": null, "namespace": null},
		"attributes": object.union({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}}, fields),
		"unknown": [],
		"refs": [],
		"source": {"file": "test.yaml", "start_line": 1, "end_line": 1, "attributes": {}},
	}
}

pod(name, spec) := resource("v1/Pod", name, {"spec": spec})

deployment(name, spec) := resource("apps/v1/Deployment", name, {"spec": {"template": {"spec": spec}}})

cronjob(name, spec) := resource("batch/v1/CronJob", name, {"spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}})

# A pod spec with one container of the given fields (named "app", image pinned).
one(container) := {"containers": [object.union({"name": "app", "image": "registry.example/app:1.0"}, container)]}

# A container that passes every container rule.
hardened := {
	"name": "app",
	"image": "registry.example/app:1.0",
	"securityContext": {
		"allowPrivilegeEscalation": false,
		"runAsNonRoot": true,
		"runAsUser": 10001,
		"readOnlyRootFilesystem": true,
		"capabilities": {"drop": ["ALL"]},
	},
	"resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
}

# The same object with `metadata.namespace` set (as the loader fills `scope` and `id`).
in_namespace(r, ns) := object.union(r, {
	"id": sprintf("kubernetes:test.yaml/%s/%s/%s", [ns, r.attributes.kind, r.name]),
	"scope": {"account": null, "region": null, "namespace": ns},
	"attributes": {"metadata": {"namespace": ns}},
})

# A pod spec's owner with annotations on the pod (template) metadata.
with_pod_annotations(r, annotations) := object.union(r, {"attributes": {"metadata": {"annotations": annotations}}}) if r.type == "v1/Pod"

with_pod_annotations(r, annotations) := object.union(r, {"attributes": {"spec": {"template": {"metadata": {"annotations": annotations}}}}}) if r.type != "v1/Pod"

# A ServiceAccount.
service_account(name, fields) := resource("v1/ServiceAccount", name, fields)
