use super::*;
use serde_json::json;

fn load(files: &[(&str, &str)]) -> ModuleOutput {
    let sources = files
        .iter()
        .map(|(name, text)| SourceFile {
            display: format!("m/{name}"),
            text: text.to_string(),
            scanned: true,
        })
        .collect();
    load_module("m", sources)
}

fn find<'a>(out: &'a ModuleOutput, id: &str) -> &'a Resource {
    out.resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| {
            panic!(
                "no resource {id}; have {:?}",
                out.resources.iter().map(|r| &r.id).collect::<Vec<_>>()
            )
        })
}

#[test]
fn resolves_variables_locals_and_templates() {
    let out = load(&[
        (
            "variables.tf",
            r#"
variable "env" { default = "prod" }
variable "secret" {}
locals {
  name   = "logs-${var.env}"
  tags   = merge({ Team = "sec" }, { Env = var.env })
  hidden = "x-${var.secret}"
}
"#,
        ),
        (
            "main.tf",
            r#"
resource "aws_s3_bucket" "b" {
  bucket = local.name
  tags   = local.tags
  acl    = var.env == "prod" ? "private" : "public-read"
  policy = local.hidden
}
"#,
        ),
    ]);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let b = find(&out, "terraform:m/aws_s3_bucket.b");
    assert_eq!(b.attributes["bucket"], json!("logs-prod"));
    assert_eq!(b.attributes["tags"], json!({"Env": "prod", "Team": "sec"}));
    assert_eq!(b.attributes["acl"], json!("private"));
    assert!(b.attributes.get("policy").is_none());
    assert_eq!(b.unknown, vec!["policy"]);
    let src = b.file_source().unwrap();
    assert_eq!(
        (src.file.as_str(), src.start_line, src.end_line),
        ("m/main.tf", 2, 7)
    );
    assert_eq!(src.lines()["bucket"], 3);
    assert_eq!(src.lines()["policy"], 6);
}

#[test]
fn references_become_edges_and_computed_values_stay_unknown() {
    let out = load(&[(
        "main.tf",
        r#"
resource "aws_s3_bucket" "b" {
  bucket = "named"
}
locals { bucket_id = aws_s3_bucket.b.id }
resource "aws_s3_bucket_versioning" "v" {
  bucket = local.bucket_id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_logging" "l" {
  bucket        = aws_s3_bucket.b.bucket
  target_bucket = "logs"
  depends_on    = [aws_s3_bucket_versioning.v]
}
"#,
    )]);
    let v = find(&out, "terraform:m/aws_s3_bucket_versioning.v");
    assert_eq!(v.unknown, vec!["bucket"]);
    assert_eq!(
        v.refs,
        vec![Ref {
            attribute: "bucket".into(),
            to: "terraform:m/aws_s3_bucket.b".into(),
            direct: true,
        }]
    );
    assert_eq!(
        v.attributes["versioning_configuration"],
        json!([{"status": "Enabled"}])
    );
    assert_eq!(
        v.file_source().unwrap().lines()["versioning_configuration[0].status"],
        8
    );
    let l = find(&out, "terraform:m/aws_s3_bucket_logging.l");
    // A configured argument of another resource is known.
    assert_eq!(l.attributes["bucket"], json!("named"));
    assert!(l.refs.contains(&Ref {
        attribute: "depends_on".into(),
        to: "terraform:m/aws_s3_bucket_versioning.v".into(),
        direct: false,
    }));
}

#[test]
fn count_and_for_each_expand_into_instances() {
    let out = load(&[(
        "main.tf",
        r#"
variable "create" { default = false }
variable "unknown_count" {}
resource "aws_ebs_volume" "c" {
  count     = 2
  encrypted = count.index == 0
}
resource "aws_ebs_volume" "none" {
  count = var.create ? 1 : 0
}
resource "aws_ebs_volume" "maybe" {
  count = var.unknown_count
  size  = 10
}
resource "aws_ebs_volume" "each" {
  for_each = { a = 1, b = 2 }
  size     = each.value
  tags     = { Name = each.key }
}
resource "aws_ebs_volume" "set" {
  for_each = toset(["y", "x"])
  type     = each.key
}
"#,
    )]);
    assert_eq!(
        find(&out, "terraform:m/aws_ebs_volume.c[0]").attributes["encrypted"],
        json!(true)
    );
    assert_eq!(
        find(&out, "terraform:m/aws_ebs_volume.c[1]").attributes["encrypted"],
        json!(false)
    );
    assert!(
        !out.resources
            .iter()
            .any(|r| r.id.contains("aws_ebs_volume.none"))
    );
    let maybe = find(&out, "terraform:m/aws_ebs_volume.maybe");
    assert_eq!(maybe.unknown, vec!["count"]);
    assert_eq!(maybe.attributes["size"], json!(10));
    let a = find(&out, "terraform:m/aws_ebs_volume.each[\"a\"]");
    assert_eq!(a.attributes, json!({"size": 1, "tags": {"Name": "a"}}));
    assert_eq!(
        find(&out, "terraform:m/aws_ebs_volume.set[\"x\"]").attributes["type"],
        json!("x")
    );
}

#[test]
fn dynamic_blocks_expand_with_lines() {
    let out = load(&[(
        "main.tf",
        r#"
locals {
  rules = [{ port = 22, cidr = "0.0.0.0/0" }, { port = 443, cidr = "10.0.0.0/8" }]
}
resource "aws_security_group" "sg" {
  ingress {
    from_port = 80
  }
  dynamic "ingress" {
    for_each = local.rules
    content {
      from_port   = ingress.value.port
      cidr_blocks = [ingress.value.cidr]
    }
  }
}
"#,
    )]);
    let sg = find(&out, "terraform:m/aws_security_group.sg");
    assert_eq!(
        sg.attributes["ingress"],
        json!([{"from_port": 80}, {"from_port": 22, "cidr_blocks": ["0.0.0.0/0"]}, {"from_port": 443, "cidr_blocks": ["10.0.0.0/8"]}])
    );
    let lines = &sg.file_source().unwrap().lines();
    assert_eq!(lines["ingress[0].from_port"], 7);
    assert_eq!(lines["ingress[2].cidr_blocks"], 13);
}

#[test]
fn jsonencode_and_heredoc_policies_resolve() {
    let out = load(&[(
        "main.tf",
        r#"
resource "aws_iam_policy" "a" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
resource "aws_iam_policy" "b" {
  policy = <<-EOF
    {"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
  EOF
}
"#,
    )]);
    let a = find(&out, "terraform:m/aws_iam_policy.a");
    let doc: serde_json::Value =
        serde_json::from_str(a.attributes["policy"].as_str().unwrap()).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], json!("*"));
    let b = find(&out, "terraform:m/aws_iam_policy.b");
    assert_eq!(
        b.attributes["policy"],
        json!("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\"}]}\n")
    );
}

#[test]
fn parse_errors_are_located_and_other_files_still_load() {
    let out = load(&[
        (
            "bad.tf",
            "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n}\n",
        ),
        ("good.tf", "resource \"aws_s3_bucket\" \"ok\" {}\n"),
    ]);
    assert_eq!(out.errors.len(), 1);
    let e = &out.errors[0];
    assert_eq!(e.file, "m/bad.tf");
    assert_eq!((e.line, e.column), (Some(2), Some(12)));
    assert!(e.message.contains("expected"), "{}", e.message);
    assert!(e.message.starts_with("HCL parse error"), "{}", e.message);
    assert!(
        out.resources
            .iter()
            .any(|r| r.id == "terraform:m/aws_s3_bucket.ok")
    );
}

#[test]
fn duplicates_are_reported_once() {
    let out = load(&[(
        "main.tf",
        "resource \"a_b\" \"x\" {}\nresource \"a_b\" \"x\" {}\n",
    )]);
    assert_eq!(out.resources.len(), 1);
    assert_eq!(out.errors.len(), 1);
    assert!(
        out.errors[0]
            .message
            .contains("first declared at m/main.tf:1")
    );
}

#[test]
fn module_provider_and_output_blocks_are_resources() {
    let out = load(&[(
        "main.tf",
        r#"
provider "aws" { region = "eu-west-1" }
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
module "net" {
  source = "./net"
  cidr   = "10.0.0.0/16"
}
resource "aws_s3_bucket" "eu" {}
resource "aws_s3_bucket" "us" { provider = aws.us }
output "bucket" { value = aws_s3_bucket.eu.bucket }
"#,
    )]);
    assert_eq!(
        find(&out, "terraform:m/module.net").attributes["cidr"],
        json!("10.0.0.0/16")
    );
    assert_eq!(
        find(&out, "terraform:m/provider.aws.us").mode,
        Mode::Provider
    );
    assert_eq!(
        find(&out, "terraform:m/aws_s3_bucket.eu")
            .scope
            .region
            .as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(
        find(&out, "terraform:m/aws_s3_bucket.us")
            .scope
            .region
            .as_deref(),
        Some("us-east-1")
    );
    assert_eq!(
        find(&out, "terraform:m/output.bucket").unknown,
        vec!["value"]
    );
}

#[test]
fn expressions_evaluate_like_terraform() {
    let out = load(&[(
        "main.tf",
        r#"
variable "names" { default = ["a", "b", "c"] }
variable "unset" {}
locals {
  objs     = [for n in var.names : { name = n, upper = upper(n) }]
  by_len   = { for n in concat(var.names, ["dd"]) : length(n) => n... }
  filtered = [for i, n in var.names : "${i}:${n}" if n != "b"]
  splat    = local.objs[*].upper
  tmpl     = "%{ for n in var.names ~}
[${n}]
%{~ endfor }"
  cond     = "%{ if length(var.names) > 2 }many%{ else }few%{ endif }"
  stripped = "x %{~ if false ~} yes %{~ else ~} no %{~ endif ~} y"
  escaped  = "$${not.interpolated} %%{literal}"
  math     = (1 + 2) * 3 % 4 - -1
  logic    = var.unset == "x" || true
  unknown  = var.unset == "x" && true
  missing  = try(local.objs[0].nope, "fallback")
  can      = can(local.objs[0].nope)
}
resource "x_y" "r" {
  objs     = local.objs
  by_len   = local.by_len
  filtered = local.filtered
  splat    = local.splat
  tmpl     = local.tmpl
  cond     = local.cond
  stripped = local.stripped
  escaped  = local.escaped
  math     = local.math
  logic    = local.logic
  unknown  = local.unknown
  missing  = local.missing
  can      = local.can
}
"#,
    )]);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let r = find(&out, "terraform:m/x_y.r");
    let a = &r.attributes;
    assert_eq!(a["objs"][1], json!({"name": "b", "upper": "B"}));
    assert_eq!(a["by_len"], json!({"1": ["a", "b", "c"], "2": ["dd"]}));
    assert_eq!(a["filtered"], json!(["0:a", "2:c"]));
    assert_eq!(a["splat"], json!(["A", "B", "C"]));
    assert_eq!(a["tmpl"], json!("[a][b][c]"));
    assert_eq!(a["cond"], json!("many"));
    assert_eq!(a["stripped"], json!("xnoy"));
    assert_eq!(a["escaped"], json!("${not.interpolated} %{literal}"));
    assert_eq!(a["math"], json!(2));
    assert_eq!(a["logic"], json!(true));
    assert_eq!(a["missing"], json!("fallback"));
    assert_eq!(a["can"], json!(false));
    assert_eq!(r.unknown, vec!["unknown"]);
}

#[test]
fn reference_cycles_do_not_hang() {
    let out = load(&[(
        "main.tf",
        r#"
locals {
  a = local.b
  b = local.a
}
resource "x_y" "one" { v = x_y.two.v }
resource "x_y" "two" { v = x_y.one.v }
resource "x_y" "three" { v = local.a }
"#,
    )]);
    assert_eq!(out.resources.len(), 3);
    assert_eq!(find(&out, "terraform:m/x_y.three").unknown, vec!["v"]);
}

#[test]
fn sets_iterate_with_the_element_as_key() {
    let out = load(&[(
        "main.tf",
        r#"
resource "aws_security_group" "a" {
  dynamic "ingress" {
    for_each = toset(["3389", "22"])
    content {
      from_port = ingress.key
    }
  }
}
resource "x_y" "r" {
  keys = [for k, v in toset(["b", "a"]) : "${k}=${v}"]
}
"#,
    )]);
    let a = find(&out, "terraform:m/aws_security_group.a");
    assert_eq!(
        a.attributes["ingress"],
        json!([{"from_port": "22"}, {"from_port": "3389"}])
    );
    assert_eq!(
        find(&out, "terraform:m/x_y.r").attributes["keys"],
        json!(["a=a", "b=b"])
    );
}

#[test]
fn variable_types_convert_values_and_fill_optional_defaults() {
    let out = load(&[(
        "main.tf",
        r#"
variable "db" {
  type    = object({ encrypted = optional(bool, true), days = optional(number, 14) })
  default = {}
}
variable "n" {
  type    = number
  default = "7"
}
variable "bad" {
  type    = number
  default = "seven"
}
resource "x_y" "r" {
  encrypted = var.db.encrypted
  days      = var.db.days
  seven     = var.n == 7
  bad       = var.bad
}
"#,
    )]);
    let r = find(&out, "terraform:m/x_y.r");
    assert_eq!(
        r.attributes,
        json!({"encrypted": true, "days": 14, "seven": true})
    );
    assert_eq!(r.unknown, vec!["bad"]);
}

#[test]
fn reference_indices_resolve_in_the_instance_scope() {
    let out = load(&[(
        "main.tf",
        r#"
resource "aws_s3_bucket" "b" {
  for_each = toset(["data", "tmp"])
  bucket   = "acme-${each.key}"
}
resource "aws_s3_bucket_versioning" "v" {
  for_each = toset(["data"])
  bucket   = aws_s3_bucket.b[each.key].id
}
"#,
    )]);
    let v = find(&out, "terraform:m/aws_s3_bucket_versioning.v[\"data\"]");
    assert_eq!(
        v.refs,
        vec![Ref {
            attribute: "bucket".into(),
            to: "terraform:m/aws_s3_bucket.b[\"data\"]".into(),
            direct: true,
        }]
    );
}

#[test]
fn each_dynamic_block_keeps_its_own_lines() {
    let out = load(&[(
        "main.tf",
        r#"
resource "aws_security_group" "s" {
  dynamic "ingress" {
    for_each = ["a"]
    content {
      description = ingress.value
    }
  }
  dynamic "ingress" {
    for_each = ["b", "c"]
    content {
      description = ingress.value
    }
  }
}
"#,
    )]);
    let lines = &find(&out, "terraform:m/aws_security_group.s")
        .file_source()
        .unwrap()
        .lines();
    assert_eq!(lines["ingress[0].description"], 6);
    assert_eq!(lines["ingress[1].description"], 12);
    assert_eq!(lines["ingress[2].description"], 12);
    assert!(!lines.contains_key("ingress[3]"));
}

#[test]
fn huge_counts_and_deep_chains_stay_bounded() {
    let mut locals = String::from("locals {\n  l0 = 1\n");
    for i in 1..5000 {
        locals.push_str(&format!("  l{i} = local.l{} + 1\n", i - 1));
    }
    locals.push_str("}\n");
    let out = load(&[
        ("locals.tf", &locals),
        (
            "main.tf",
            r#"
resource "x_y" "many" {
  count = 1e9
}
resource "x_y" "deep" {
  v  = local.l4999
  ok = local.l10
  ws = terraform.workspace
}
"#,
        ),
    ]);
    assert_eq!(find(&out, "terraform:m/x_y.many").unknown, vec!["count"]);
    let deep = find(&out, "terraform:m/x_y.deep");
    assert_eq!(deep.attributes["ok"], json!(11));
    assert_eq!(deep.unknown, vec!["v", "ws"]);
}

#[test]
fn override_files_merge_into_their_blocks() {
    let out = load(&[
        (
            "main.tf",
            r#"
variable "env" { default = "dev" }
locals { tier = "small" }
resource "aws_db_instance" "db" {
  publicly_accessible = false
  engine              = "postgres"
  tags                = { env = var.env, tier = local.tier }
  timeouts {
    create = "1h"
  }
  timeouts {
    delete = "2h"
  }
}
"#,
        ),
        (
            "db_override.tf",
            r#"
variable "env" { default = "prod" }
locals { tier = "large" }
resource "aws_db_instance" "db" {
  publicly_accessible = true
  timeouts {
    update = "3h"
  }
}
resource "aws_s3_bucket" "nowhere" {}
"#,
        ),
    ]);
    let db = find(&out, "terraform:m/aws_db_instance.db");
    assert_eq!(
        db.attributes,
        json!({"engine": "postgres", "publicly_accessible": true, "tags": {"env": "prod", "tier": "large"}, "timeouts": [{"update": "3h"}]})
    );
    let src = db.file_source().unwrap();
    assert_eq!(src.file, "m/main.tf");
    assert_eq!(src.line("engine"), Some(6));
    assert!(
        src.line("publicly_accessible").is_none(),
        "its line is in the override file"
    );
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(
        out.errors[0]
            .message
            .contains("which no other file of the module declares")
    );
    assert_eq!(out.errors[0].file, "m/db_override.tf");
}

#[test]
fn references_say_whether_they_are_the_whole_value() {
    let out = load(&[(
        "main.tf",
        r#"
variable "name" {}
resource "aws_s3_bucket" "b" {
  for_each = toset(["x", "y"])
}
resource "aws_s3_bucket_versioning" "each" {
  for_each = aws_s3_bucket.b
  bucket   = each.value.id
}
resource "aws_s3_bucket_versioning" "maybe" {
  bucket = var.name != "" ? var.name : aws_s3_bucket.b["x"].id
}
resource "aws_s3_bucket_versioning" "template" {
  bucket = "${aws_s3_bucket.b["y"].id}"
}
"#,
    )]);
    let each = find(&out, "terraform:m/aws_s3_bucket_versioning.each[\"y\"]");
    assert_eq!(
        each.refs,
        vec![Ref {
            attribute: "bucket".into(),
            to: "terraform:m/aws_s3_bucket.b[\"y\"]".into(),
            direct: true
        }]
    );
    let maybe = find(&out, "terraform:m/aws_s3_bucket_versioning.maybe");
    assert_eq!(
        maybe.refs,
        vec![Ref {
            attribute: "bucket".into(),
            to: "terraform:m/aws_s3_bucket.b[\"x\"]".into(),
            direct: false
        }]
    );
    let template = find(&out, "terraform:m/aws_s3_bucket_versioning.template");
    assert!(template.refs[0].direct);
}

/// Valid HCL that hcl-edit 0.10 rejects (`relaxed`): an object `for` whose value spans lines,
/// and an object constructor that gives a key twice (the last value counts). The file loads,
/// with the lines of the file as written; an attribute given twice in a block stays an error.
#[test]
fn valid_hcl_that_the_parser_rejects_loads_on_a_second_pass() {
    let out = load(&[
        (
            "locals.tf",
            r#"
locals {
  hubs = { west = { enabled = true }, east = { enabled = false } }
  deploy = {
    for location, hub in local.hubs :
    location =>
    local.enabled &&
    hub.enabled
  }
  enabled = true
  tags = {
    Env  = "dev"
    Team = "sec"
    Env  = "prod"
  }
}
"#,
        ),
        (
            "main.tf",
            r#"
resource "aws_s3_bucket" "b" {
  bucket = "logs"
  tags   = merge(local.tags, { West = tostring(local.deploy["west"]), East = tostring(local.deploy["east"]) })
}
"#,
        ),
        (
            "twice.tf",
            "resource \"aws_s3_bucket\" \"c\" {\n  bucket = \"a\"\n  bucket = \"b\"\n}\n",
        ),
    ]);
    let b = find(&out, "terraform:m/aws_s3_bucket.b");
    assert_eq!(
        b.attributes["tags"],
        json!({"Env": "prod", "Team": "sec", "West": "true", "East": "false"})
    );
    assert_eq!(b.file_source().unwrap().lines()["tags"], 4);
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    let e = &out.errors[0];
    assert_eq!((e.file.as_str(), e.line), ("m/twice.tf", Some(3)));
}
