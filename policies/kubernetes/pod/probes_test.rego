package rules.kubernetes.pod.probes_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.probes as rule

http := {"httpGet": {"path": "/healthz", "port": 8080}}

test_missing_probes_fire if {
	d := kf.deployment("d", {"containers": [kf.hardened, object.union(kf.hardened, {"name": "b", "livenessProbe": http})]})
	msgs := {f.message | some f in rule.deny} with input as {"resources": [d]}
	msgs == {
		`container "app" of Deployment "d" has no livenessProbe and no readinessProbe`,
		`container "b" of Deployment "d" has no readinessProbe`,
	}
}

test_probed_and_init_containers_pass if {
	spec := {"initContainers": [{"name": "init"}], "containers": [object.union(kf.hardened, {"livenessProbe": http, "readinessProbe": http})]}
	count(rule.deny) == 0 with input as {"resources": [kf.deployment("d", spec)]}
}

test_jobs_skipped if {
	count(rule.deny) == 0 with input as {"resources": [kf.cronjob("c", kf.one({}))]}
}
