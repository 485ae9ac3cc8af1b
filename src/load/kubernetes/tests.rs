use serde_json::json;

use super::*;

const DEPLOY: &str = "\
# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
";

#[test]
fn objects_get_type_id_scope_and_lines() {
    let g = load("k8s/app.yaml", DEPLOY, false);
    assert!(g.errors.is_empty(), "{:?}", g.errors);
    assert_eq!(g.resources.len(), 2);
    let d = &g.resources[0];
    assert_eq!(d.id, "kubernetes:k8s/app.yaml/shop/Deployment/web");
    assert_eq!(d.resource_type, "apps/v1/Deployment");
    assert_eq!(d.provider, "kubernetes");
    assert_eq!(d.name, "web");
    assert_eq!(d.scope.namespace.as_deref(), Some("shop"));
    let src = d.file_source().unwrap();
    assert_eq!((src.start_line, src.end_line), (2, 17));
    let l = lines(d);
    assert_eq!(l["spec.template.spec.containers[0]"], 14);
    assert_eq!(l["spec.template.spec.containers[0].image"], 15);
    assert_eq!(
        l["spec.template.spec.containers[0].securityContext.privileged"],
        17
    );
    let region = src
        .regions
        .get("spec.template.spec.containers[0].securityContext.privileged")
        .expect("a region");
    assert_eq!(
        (region.start_column, region.end_line, region.end_column),
        (13, 17, 28)
    );
    let s = &g.resources[1];
    assert_eq!(s.resource_type, "v1/Service");
    let src = s.file_source().unwrap();
    assert_eq!((src.start_line, src.end_line), (19, 23));
    assert_eq!(lines(s)["spec.selector"], 23);
    assert_eq!(g.files.len(), 1);
    assert_eq!(g.files[0].kind, "kubernetes");
}

#[test]
fn repeated_objects_get_numbered_ids() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: job-}\n";
    let g = load("a.yaml", text, false);
    let ids: Vec<&str> = g.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "kubernetes:a.yaml/_/ConfigMap/c",
            "kubernetes:a.yaml/_/ConfigMap/c#2",
            "kubernetes:a.yaml/_/Pod/job-"
        ]
    );
}

#[test]
fn lists_are_expanded() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a}\n- apiVersion: apps/v1\n  kind: DeploymentList\n  items:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: d}\n    spec: {replicas: 2}\n";
    let g = load("l.yaml", text, false);
    let types: Vec<&str> = g
        .resources
        .iter()
        .map(|r| r.resource_type.as_str())
        .collect();
    assert_eq!(types, vec!["v1/ServiceAccount", "apps/v1/Deployment"]);
    let d = &g.resources[1];
    assert_eq!(d.file_source().unwrap().start_line, 10);
    assert_eq!(lines(d)["spec.replicas"], 13);
    assert_eq!(d.attributes["spec"], json!({"replicas": 2}));
}

#[test]
fn other_yaml_is_skipped_quietly() {
    for text in [
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
        "services:\n  web:\n    image: nginx\n",
        "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
        "apiVersion: v1\nkind: Config\nclusters: []\n",
        "a: 1\na: 2\n",
        "",
        "# nothing\n",
    ] {
        let g = load("x.yaml", text, false);
        assert!(g.resources.is_empty(), "{text}");
        assert!(g.errors.is_empty(), "{text}: {:?}", g.errors);
        assert!(g.files.is_empty(), "{text}");
    }
}

#[test]
fn templates_are_reported_with_a_hint() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"x.fullname\" . }}\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n";
    let g = load("chart/templates/d.yaml", text, false);
    assert!(g.resources.is_empty());
    assert_eq!(g.errors.len(), 1);
    assert_eq!((g.errors[0].line, g.errors[0].column), (Some(4), Some(9)));
    assert!(g.errors[0].message.contains("helm template"));
    // Parses as YAML, but only as nested flow mappings.
    let g = load(
        "d.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n",
        false,
    );
    assert!(g.resources.is_empty());
    assert!(g.errors[0].message.contains("template"));
    // In a chart's templates directory, even quoted templates are templates.
    let g = load(
        "d.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"{{ .Values.name }}\"\n",
        true,
    );
    assert!(g.resources.is_empty());
    assert_eq!(g.errors[0].line, Some(4));
    // Elsewhere, `{{` inside a string is just text (alerting rules, ConfigMaps).
    let g = load(
        "c.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  t: \"{{ $labels.x }}\"\n",
        false,
    );
    assert_eq!(g.resources.len(), 1);
    assert!(g.errors.is_empty());
}

#[test]
fn broken_documents_are_located_and_others_load() {
    let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [p\nspec: {}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b}\n";
    let g = load("b.yaml", text, false);
    let names: Vec<&str> = g.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["a", "b"]);
    assert_eq!(g.errors.len(), 1);
    let e = &g.errors[0];
    assert_eq!(e.line, Some(9));
    assert!(e.message.starts_with("YAML syntax error"), "{}", e.message);
    assert!(!e.file_skipped);
}

#[test]
fn duplicate_keys_in_objects_are_reported() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: false\n  hostNetwork: true\n";
    let g = load("p.yaml", text, false);
    assert_eq!(
        g.resources[0].attributes["spec"]["hostNetwork"],
        json!(true)
    );
    assert_eq!(g.errors.len(), 1);
    assert_eq!(g.errors[0].line, Some(6));
}

#[test]
fn json_manifests_load() {
    let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"},\n  \"spec\": {\n    \"hostPID\": true\n  }\n}\n";
    assert!(sniff_json(text));
    assert!(!sniff_json("{\"format_version\": \"1.2\"}"));
    let g = load("p.json", text, false);
    assert_eq!(g.resources.len(), 1);
    assert_eq!(lines(&g.resources[0])["spec.hostPID"], 6);
}

const RBAC: &str = "\
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: web}
- {kind: User, name: alice}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects:
- {kind: ServiceAccount, name: web, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: other}
rules: []
";

#[test]
fn links_bindings_service_accounts_and_services() {
    let mut resources = load("k/app.yaml", DEPLOY, false).resources;
    resources.extend(load("k/rbac.yaml", RBAC, false).resources);
    link(&mut resources);
    let refs = |id: &str| -> Vec<(String, String, bool)> {
        resources
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .refs
            .iter()
            .map(|r| (r.attribute.clone(), r.to.to_string(), r.direct))
            .collect()
    };
    assert_eq!(
        refs("kubernetes:k/app.yaml/shop/Deployment/web"),
        vec![(
            "spec.template.spec.serviceAccountName".into(),
            "kubernetes:k/rbac.yaml/shop/ServiceAccount/web".into(),
            true
        )]
    );
    assert_eq!(
        refs("kubernetes:k/app.yaml/shop/Service/web"),
        vec![(
            "spec.selector".into(),
            "kubernetes:k/app.yaml/shop/Deployment/web".into(),
            false
        )]
    );
    assert_eq!(
        refs("kubernetes:k/rbac.yaml/shop/RoleBinding/web-reader"),
        vec![
            (
                "roleRef.name".into(),
                "kubernetes:k/rbac.yaml/shop/Role/reader".into(),
                true
            ),
            (
                "subjects[0].name".into(),
                "kubernetes:k/rbac.yaml/shop/ServiceAccount/web".into(),
                true
            ),
        ]
    );
    assert_eq!(
        refs("kubernetes:k/rbac.yaml/_/ClusterRoleBinding/web-admin"),
        vec![
            (
                "roleRef.name".into(),
                "kubernetes:k/rbac.yaml/_/ClusterRole/admin".into(),
                true
            ),
            (
                "subjects[0].name".into(),
                "kubernetes:k/rbac.yaml/shop/ServiceAccount/web".into(),
                true
            ),
        ]
    );
}

/// A scan converts each file's attribute values as it loads and keeps only `link_paths`
/// (`RuleValues::prepare`); linking must then find every edge it finds on whole attributes,
/// for each workload kind's pod template path.
#[test]
fn linking_needs_only_the_link_paths() {
    let workloads = "\
apiVersion: v1
kind: ServiceAccount
metadata: {name: jobs, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: p}}
spec: {serviceAccount: jobs, containers: [{name: c, image: busybox}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: '0 1 * * *'
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: nightly}}
        spec: {serviceAccountName: jobs, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: both, namespace: shop}
spec: {selector: {app: nightly}}
---
apiVersion: v1
kind: Service
metadata: {name: pod, namespace: shop}
spec: {selector: {app: p}}
";
    let loaded = || {
        let mut resources = load("k/app.yaml", DEPLOY, false).resources;
        resources.extend(load("k/rbac.yaml", RBAC, false).resources);
        resources.extend(load("k/jobs.yaml", workloads, false).resources);
        resources
    };
    let mut whole = loaded();
    link(&mut whole);
    let mut prepared = loaded();
    crate::engine::RuleValues::prepare(&mut prepared, super::link_paths);
    crate::engine::RuleValues::end_preparing();
    assert!(prepared.iter().all(|r| r.rule_attributes.is_some()));
    link(&mut prepared);
    let refs = |resources: &[Resource]| -> Vec<(String, Vec<crate::graph::Ref>)> {
        resources
            .iter()
            .map(|r| (r.id.clone(), r.refs.clone()))
            .collect()
    };
    assert_eq!(refs(&prepared), refs(&whole));
    // Every workload kind here links: the comparison covers each pod template path.
    for id in [
        "kubernetes:k/jobs.yaml/shop/Pod/p",
        "kubernetes:k/jobs.yaml/shop/CronJob/nightly",
        "kubernetes:k/jobs.yaml/shop/Service/both",
        "kubernetes:k/jobs.yaml/shop/Service/pod",
        "kubernetes:k/app.yaml/shop/Deployment/web",
        "kubernetes:k/rbac.yaml/shop/RoleBinding/web-reader",
    ] {
        let r = whole.iter().find(|r| r.id == id).unwrap();
        assert!(!r.refs.is_empty(), "{id} has no edge");
    }
}

#[test]
fn objects_without_namespace_link_within_their_directory() {
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {serviceAccountName: s}\n";
    let mut resources = load("a/sa.yaml", sa, false).resources;
    resources.extend(load("a/pod.yaml", pod, false).resources);
    resources.extend(load("b/pod.yaml", pod, false).resources);
    link(&mut resources);
    assert_eq!(resources[1].refs.len(), 1);
    assert!(resources[2].refs.is_empty());
}
