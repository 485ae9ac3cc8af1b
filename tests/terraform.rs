//! Terraform semantics end to end: variables and their sources, loops, nested local modules,
//! installed remote modules, provider passing and default tags, plan JSON. Each test loads a
//! fixture project through the real binary and compares the graph with values checked by
//! hand against what `terraform plan` would show.

mod common;

use common::{graph, graph_with_env, ids, scan_json};
use serde_json::{Value, json};

const PROJECT: &str = "fixtures/terraform/project";
const PREFIX: &str = "terraform:fixtures/terraform/project/";

/// The resource with this id (relative to the project) in a graph.
fn resource<'a>(g: &'a Value, id: &str) -> &'a Value {
    common::resource(g, &format!("{PREFIX}{id}"))
}

fn managed_ids(g: &Value) -> Vec<String> {
    g["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["mode"] == "managed" || r["mode"] == "module")
        .filter_map(|r| r["id"].as_str())
        .map(|id| id.trim_start_matches(PREFIX).to_string())
        .collect()
}

#[test]
fn project_expands_modules_loops_and_tfvars() {
    let g = graph(&[PROJECT]);
    assert_eq!(g["errors"], json!([]));
    // for_each over the tfvars map (2 keys), count = 1 (default), nested encryption module in
    // each; versioning only where `versioned` (optional default true) holds; the registry
    // module is not installed, so it stays a module resource.
    assert_eq!(
        managed_ids(&g),
        vec![
            r#"aws_s3_bucket_policy.store["assets"]"#,
            r#"aws_s3_bucket_policy.store["logs"]"#,
            "module.public_site",
            "module.replica[0].aws_s3_bucket.this",
            "module.replica[0].module.encryption.aws_s3_bucket_server_side_encryption_configuration.this",
            r#"module.store["assets"].aws_s3_bucket.this"#,
            r#"module.store["assets"].module.encryption.aws_s3_bucket_server_side_encryption_configuration.this"#,
            r#"module.store["logs"].aws_s3_bucket.this"#,
            r#"module.store["logs"].aws_s3_bucket_versioning.this[0]"#,
            r#"module.store["logs"].module.encryption.aws_s3_bucket_server_side_encryption_configuration.this"#,
        ]
    );

    // Inputs: terraform.tfvars (environment), the auto.tfvars.json (owner), locals, each.key.
    let logs = resource(&g, r#"module.store["logs"].aws_s3_bucket.this"#);
    assert_eq!(logs["attributes"]["bucket"], "staging-acme-logs");
    // default_tags merged under the resource's own tags.
    assert_eq!(
        logs["attributes"]["tags"],
        json!({"Environment": "staging", "Name": "staging-acme-logs", "Owner": "platform-team"})
    );
    assert_eq!(logs["scope"]["region"], "us-east-1");
    assert_eq!(logs["unknown"], json!([]));
    assert_eq!(
        logs["source"]["file"],
        "fixtures/terraform/project/modules/bucket/main.tf"
    );
    assert_eq!(logs["source"]["start_line"], 15);
    assert_eq!(logs["source"]["attributes"]["bucket"], 16);
    assert_eq!(
        logs["source"]["call_site"],
        json!({"file": "fixtures/terraform/project/main.tf", "line": 50, "end_line": 57})
    );

    // The replica gets the aliased provider through `providers`, which has no default tags.
    let replica = resource(&g, "module.replica[0].aws_s3_bucket.this");
    assert_eq!(replica["scope"]["region"], "eu-west-1");
    assert_eq!(
        replica["attributes"]["tags"],
        json!({"Name": "staging-acme-replica-0"})
    );

    // Inputs flow two levels down: kms from tfvars → bucket module → encryption module.
    let sse = |key: &str| {
        resource(
            &g,
            &format!(
                "module.store[\"{key}\"].module.encryption.aws_s3_bucket_server_side_encryption_configuration.this"
            ),
        )["attributes"]["rule"][0]["apply_server_side_encryption_by_default"][0]
            ["sse_algorithm"]
            .clone()
    };
    assert_eq!(sse("logs"), "aws:kms");
    assert_eq!(sse("assets"), "AES256");

    // References cross module boundaries: var.bucket → the caller's aws_s3_bucket.this.id,
    // and each.value.id over module.store → the bucket inside each instance.
    let enc = resource(
        &g,
        r#"module.store["logs"].module.encryption.aws_s3_bucket_server_side_encryption_configuration.this"#,
    );
    assert_eq!(
        enc["refs"],
        json!([{"attribute": "bucket", "to": format!("{PREFIX}module.store[\"logs\"].aws_s3_bucket.this"), "direct": true}])
    );
    assert_eq!(enc["unknown"], json!(["bucket"]));
    let policy = resource(&g, r#"aws_s3_bucket_policy.store["assets"]"#);
    assert_eq!(
        policy["refs"],
        json!([{"attribute": "bucket", "to": format!("{PREFIX}module.store[\"assets\"].aws_s3_bucket.this"), "direct": true}])
    );
    // Not a tagged type: no default tags invented for it.
    assert!(policy["attributes"].get("tags").is_none());

    // The registry module keeps its known inputs so rules can see them.
    let site = resource(&g, "module.public_site");
    assert_eq!(
        site["attributes"],
        json!({"acl": "public-read", "bucket": "staging-acme-site", "source": "terraform-aws-modules/s3-bucket/aws", "version": "~> 4.0"})
    );

    // Module outputs evaluate in the caller.
    let out = resource(&g, "output.bucket_arns");
    assert_eq!(out["unknown"], json!(["value.assets", "value.logs"]));
}

#[test]
fn variable_sources_follow_terraform_precedence() {
    let region = |g: &Value| {
        resource(g, "module.replica[0].aws_s3_bucket.this")["attributes"]["bucket"].clone()
    };
    let owner = |g: &Value| {
        resource(g, r#"module.store["logs"].aws_s3_bucket.this"#)["attributes"]["tags"]["Owner"]
            .clone()
    };
    // TF_VAR_ loses to terraform.tfvars and *.auto.tfvars.
    let g = graph_with_env(
        &[PROJECT],
        &[("TF_VAR_owner", "env"), ("TF_VAR_environment", "env")],
    );
    assert_eq!(owner(&g), "platform-team");
    assert_eq!(region(&g), "staging-acme-replica-0");
    // ... but sets what no file sets.
    let g = graph_with_env(&[PROJECT], &[("TF_VAR_replicas", "2")]);
    assert!(managed_ids(&g).contains(&"module.replica[1].aws_s3_bucket.this".to_string()));
    // --var-file wins over the automatic files, --var over --var-file.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("prod.tfvars");
    std::fs::write(&file, "environment = \"prod\"\nowner = \"file\"\n").expect("write");
    let file = file.to_string_lossy().into_owned();
    let g = graph(&[PROJECT, "--var-file", &file]);
    assert_eq!(owner(&g), "file");
    assert_eq!(region(&g), "prod-acme-replica-0");
    let g = graph(&[PROJECT, "--var-file", &file, "--var", "owner=flag"]);
    assert_eq!(owner(&g), "flag");
    // A complex type given as text is parsed as HCL.
    let g = graph(&[PROJECT, "--var", r#"buckets={ only = {} }"#]);
    assert!(
        managed_ids(&g)
            .contains(&r#"module.store["only"].aws_s3_bucket_versioning.this[0]"#.to_string())
    );
    assert!(!managed_ids(&g).iter().any(|id| id.contains("logs")));
}

#[test]
fn a_named_file_sees_its_module_and_tfvars() {
    let whole = graph(&[PROJECT]);
    let one = graph(&[&format!("{PROJECT}/main.tf")]);
    assert_eq!(ids(&whole), ids(&one));
    assert_eq!(whole["resources"], one["resources"]);
}

#[test]
fn unknown_count_yields_one_instance_marked_unknown() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("m")).expect("mkdir");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
variable "n" { type = number }
resource "aws_s3_bucket" "b" {
  count  = var.n
  bucket = "b-${count.index}"
}
module "m" {
  source   = "./m"
  for_each = toset(var.names)
}
variable "names" { type = list(string) }
"#,
    )
    .expect("write");
    std::fs::write(
        dir.path().join("m/main.tf"),
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n}\n",
    )
    .expect("write");
    let root = dir.path().to_string_lossy().into_owned();
    let out = common::tenet()
        .args(["graph", "--root", &root, &root])
        .output()
        .expect("run");
    let g: Value = serde_json::from_slice(&out.stdout).expect("json");
    let by_id = |id: &str| {
        g["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["id"] == id))
            .unwrap_or_else(|| panic!("no {id}: {}", ids(&g)))
            .clone()
    };
    let b = by_id("terraform:aws_s3_bucket.b");
    assert_eq!(b["unknown"], json!(["count", "bucket"]));
    let k = by_id("terraform:module.m.aws_kms_key.k");
    assert_eq!(k["unknown"], json!(["for_each"]));
    assert_eq!(k["attributes"]["enable_key_rotation"], true);
}

#[test]
fn installed_remote_modules_are_expanded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let installed = root.join(".terraform/modules/site");
    std::fs::create_dir_all(&installed).expect("mkdir");
    std::fs::write(
        root.join("main.tf"),
        "module \"site\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n  bucket = \"www\"\n  acl    = \"public-read\"\n}\n",
    )
    .expect("write");
    std::fs::write(
        root.join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"site","Source":"registry.terraform.io/terraform-aws-modules/s3-bucket/aws","Version":"4.1.0","Dir":".terraform/modules/site"}]}"#,
    )
    .expect("write");
    std::fs::write(
        installed.join("main.tf"),
        "variable \"bucket\" {}\nvariable \"acl\" { default = null }\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.bucket\n}\nresource \"aws_s3_bucket_acl\" \"this\" {\n  count  = var.acl != null ? 1 : 0\n  bucket = aws_s3_bucket.this.id\n  acl    = var.acl\n}\n",
    )
    .expect("write");
    let r = root.to_string_lossy().into_owned();
    let out = common::tenet()
        .args(["scan", "--root", &r, &r, "--format", "json"])
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let public: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule_id"] == "aws-s3-public-acl")
        .collect();
    assert_eq!(public.len(), 1, "{report:#}");
    assert_eq!(
        public[0]["resource"]["id"],
        "terraform:module.site.aws_s3_bucket_acl.this[0]"
    );
}

#[test]
fn rules_answer_right_on_the_project() {
    // The S3 rules this project was built to exercise (other rules have their own fixtures).
    let (code, report) = scan_json(&[
        PROJECT,
        "--rule",
        "aws-s3-access-logging",
        "--rule",
        "aws-s3-public-access-block",
        "--rule",
        "aws-s3-versioning",
        "--rule",
        "aws-s3-public-acl",
        "--rule",
        "aws-s3-encryption-at-rest",
    ]);
    assert_eq!(code, 1);
    let mut got: Vec<(String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["resource"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches(PREFIX)
                    .to_string(),
            )
        })
        .collect();
    got.sort();
    let buckets = [
        "module.replica[0].aws_s3_bucket.this",
        r#"module.store["assets"].aws_s3_bucket.this"#,
        r#"module.store["logs"].aws_s3_bucket.this"#,
    ];
    let mut want: Vec<(String, String)> = Vec::new();
    for rule in ["aws-s3-access-logging", "aws-s3-public-access-block"] {
        want.extend(buckets.iter().map(|b| (rule.to_string(), b.to_string())));
    }
    // Encryption is set in the nested module for every bucket; versioning only for "logs".
    want.extend(
        buckets[..2]
            .iter()
            .map(|b| ("aws-s3-versioning".to_string(), b.to_string())),
    );
    // The uninstalled registry module called with a public ACL.
    want.push((
        "aws-s3-public-acl".to_string(),
        "module.public_site".to_string(),
    ));
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn plan_json_resources_unknowns_refs_and_sources() {
    let g = graph(&["fixtures/terraform/plan/plan.json"]);
    assert_eq!(g["errors"], json!([]));
    let p = "tfplan:fixtures/terraform/plan/plan.json/";
    let find = |addr: &str| {
        g["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["id"] == format!("{p}{addr}")))
            .unwrap_or_else(|| panic!("no {addr}: {}", ids(&g)))
            .clone()
    };
    let b = find("aws_s3_bucket.data[1]");
    assert_eq!(b["origin"], "tfplan");
    assert_eq!(b["attributes"]["bucket"], "acme-data-1");
    assert_eq!(b["scope"]["region"], "eu-central-1");
    assert_eq!(b["source"]["file"], "fixtures/terraform/plan/main.tf");
    assert_eq!(b["source"]["start_line"], 5);
    assert!(
        b["unknown"]
            .as_array()
            .is_some_and(|u| u.contains(&json!("arn")))
    );
    let v = find("aws_s3_bucket_versioning.data[0]");
    assert_eq!(
        v["unknown"],
        json!(["bucket", "id", "versioning_configuration[0].mfa_delete"])
    );
    assert_eq!(v["source"]["attributes"]["versioning_configuration[0]"], 14);
    // `aws_s3_bucket.data[count.index]` is listed by the plan as `aws_s3_bucket.data` and
    // `count.index`: the edge goes to both instances, and is not direct.
    assert_eq!(
        v["refs"],
        json!([
            {"attribute": "bucket", "to": format!("{p}aws_s3_bucket.data[0]"), "direct": false},
            {"attribute": "bucket", "to": format!("{p}aws_s3_bucket.data[1]"), "direct": false},
        ])
    );
    let m = find("module.logs.aws_s3_bucket.this");
    assert_eq!(
        m["source"]["file"],
        "fixtures/terraform/plan/modules/logs/main.tf"
    );
    assert_eq!(
        m["source"]["call_site"],
        json!({"file": "fixtures/terraform/plan/main.tf", "line": 19, "end_line": 22})
    );
    assert_eq!(m["attributes"]["acl"], "public-read");
}

#[test]
fn plan_json_findings() {
    let (_, report) = scan_json(&["fixtures/terraform/plan/plan.json"]);
    let acl: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule_id"] == "aws-s3-public-acl")
        .collect();
    assert_eq!(acl.len(), 1);
    assert_eq!(
        acl[0]["location"]["file"],
        "fixtures/terraform/plan/modules/logs/main.tf"
    );
    assert_eq!(acl[0]["location"]["start_line"], 7);
    // Which versioning resource belongs to which counted bucket is not in the plan: neither
    // pass nor fail, undetermined.
    let on_data = |list: &str| {
        report[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| {
                f["rule_id"] == "aws-s3-versioning"
                    && f["resource"]["id"]
                        .as_str()
                        .is_some_and(|id| id.contains("data["))
            })
            .count()
    };
    assert_eq!(on_data("findings"), 0);
    assert_eq!(on_data("undetermined"), 2);
}

#[test]
fn module_cycles_and_escapes_are_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(root.join("a")).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(
        outside.join("main.tf"),
        "resource \"aws_s3_bucket\" \"secret\" {}\n",
    )
    .expect("write");
    std::fs::write(
        root.join("main.tf"),
        r#"
module "self" { source = "./" }
module "a" { source = "./a" }
module "up" { source = "../outside" }
module "link" { source = "./link" }
resource "aws_s3_bucket" "root" {}
"#,
    )
    .expect("write");
    std::fs::write(
        root.join("a/main.tf"),
        "module \"back\" { source = \"../a\" }\nresource \"aws_s3_bucket\" \"a\" {}\n",
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, root.join("link")).expect("symlink");
    let r = root.to_string_lossy().into_owned();
    let out = common::tenet()
        .args(["graph", "--root", &r, &r])
        .output()
        .expect("run");
    assert!(out.status.success());
    let g: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut got: Vec<&str> = g["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    got.sort();
    // The self-call and a's call of itself are cycles; ../outside and the link leave the tree:
    // all stay module resources; nothing outside the tree is read.
    assert_eq!(
        got,
        vec![
            "terraform:aws_s3_bucket.root",
            "terraform:module.a.aws_s3_bucket.a",
            "terraform:module.a.module.back",
            "terraform:module.link",
            "terraform:module.self",
            "terraform:module.up",
        ]
    );
    let messages: Vec<&str> = g["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("module \"self\" is not expanded")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("module \"back\" is not expanded")),
        "{messages:?}"
    );
}

#[test]
fn json_syntax_files_load_with_their_lines() {
    let g = graph(&["fixtures/terraform/json"]);
    assert_eq!(g["errors"], json!([]));
    let id = "terraform:fixtures/terraform/json/aws_s3_bucket.site";
    let site = g["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no {id}: {}", ids(&g)));
    // Templates, locals and variables of the .tf file beside it resolve.
    assert_eq!(
        site["attributes"],
        json!({"acl": "public-read", "bucket": "acme-site", "tags": {"Name": "site"}})
    );
    assert_eq!(
        site["source"]["file"],
        "fixtures/terraform/json/main.tf.json"
    );
    assert_eq!(site["source"]["start_line"], 8);
    assert_eq!(site["source"]["attributes"]["acl"], 10);

    let (_, report) = scan_json(&["fixtures/terraform/json"]);
    let rules: Vec<(&str, i64)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default(),
                f["location"]["start_line"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert!(rules.contains(&("aws-s3-public-acl", 10)), "{rules:?}");
    // The versioning resource (a nested block written as an object) refers to the bucket.
    assert!(
        !rules.iter().any(|(r, _)| *r == "aws-s3-versioning"),
        "{rules:?}"
    );
}

/// Valid Terraform that hcl-edit rejects (an object `for` whose value spans lines, a key given
/// twice in an object) loads on a second parse, and its findings point at the file's lines.
#[test]
fn valid_terraform_that_the_parser_rejects_is_scanned() {
    let (code, report) = scan_json(&["fixtures/terraform/relaxed", "--fail-on", "none"]);
    assert_eq!(code, 0);
    assert_eq!(report["load_errors"], json!([]));
    let acl: Vec<(&str, &Value)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "aws-s3-public-acl")
        .map(|f| {
            (
                f["resource"]["id"].as_str().unwrap(),
                &f["location"]["start_line"],
            )
        })
        .collect();
    assert_eq!(
        acl,
        [(
            r#"terraform:fixtures/terraform/relaxed/aws_s3_bucket_acl.b["assets"]"#,
            &json!(30)
        )]
    );
    // Both buckets are public; of the two `logs` values, the later (`private`) counts.
    let g = graph(&["fixtures/terraform/relaxed"]);
    let logs = common::resource(
        &g,
        r#"terraform:fixtures/terraform/relaxed/aws_s3_bucket_acl.b["logs"]"#,
    );
    assert_eq!(logs["attributes"]["acl"], "private");
}
