use super::*;

fn graph(text: &str) -> ResourceGraph {
    load("t.json", text, None, true)
}

fn by_id<'a>(g: &'a ResourceGraph, id: &str) -> &'a Resource {
    g.resources.iter().find(|r| r.id == id).unwrap_or_else(|| {
        panic!(
            "no {id} in {:?}",
            g.resources.iter().map(|r| &r.id).collect::<Vec<_>>()
        )
    })
}

#[test]
fn sniffs_templates_and_parameters() {
    let t = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "x": 1}"#;
    assert_eq!(sniff(t), Some(Sniffed::Template));
    let s = r#"{"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"}"#;
    assert_eq!(sniff(s), Some(Sniffed::Template));
    let p = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"}"#;
    assert_eq!(sniff(p), Some(Sniffed::Parameters));
    assert_eq!(sniff(r#"{"name": "deploymentTemplate.json"}"#), None);
    assert!(generated_by_bicep(
        r#"{"metadata": {"_generator": {"name": "bicep", "version": "0.1"}}}"#
    ));
}

#[test]
fn conditions_copies_and_children() {
    let g = graph(
        r#"{
  "resources": [
    {"type": "A.B/c", "name": "off", "condition": false},
    {"type": "A.B/c", "name": "[concat('n', copyIndex())]", "copy": {"name": "l", "count": 2},
     "resources": [{"type": "d", "name": "child", "properties": {"i": "[copyIndex()]"}}]},
    {"type": "A.B/c", "name": "u", "copy": {"name": "m", "count": "[parameters('missing')]"}}
  ]
}"#,
    );
    assert!(
        g.errors
            .iter()
            .any(|e| e.message.contains("'missing' is not declared"))
    );
    assert!(g.resources.iter().all(|r| r.name != "off"));
    let child = by_id(&g, "arm:t.json/A.B/c/n1[1]/d/child");
    assert_eq!(child.resource_type, "A.B/c/d");
    assert_eq!(child.name, "n1/child");
    assert_eq!(child.attributes["properties"]["i"], 1);
    assert_eq!(child.refs[0].attribute, "parent");
    assert_eq!(&*child.refs[0].to, "arm:t.json/A.B/c/n1[1]");
    let u = by_id(&g, "arm:t.json/A.B/c/u");
    assert_eq!(u.unknown[0], "copy");
}

#[test]
fn property_copy_and_refs() {
    let g = graph(
        r#"{
  "variables": {"n": "vnet"},
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "name": "[variables('n')]",
     "properties": {"copy": [{"name": "subnets", "count": 2, "input": {"name": "[concat('s', copyIndex('subnets'))]"}}]}},
    {"type": "Microsoft.Network/networkInterfaces", "name": "nic",
     "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"],
     "properties": {"subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 's1')]"},
                    "vnet": "[resourceId('Microsoft.Network/virtualNetworks', variables('n'))]"}}
  ]
}"#,
    );
    assert!(g.errors.is_empty(), "{:?}", g.errors);
    let vnet = by_id(&g, "arm:t.json/Microsoft.Network/virtualNetworks/vnet");
    assert_eq!(vnet.attributes["properties"]["subnets"][1]["name"], "s1");
    let nic = by_id(&g, "arm:t.json/Microsoft.Network/networkInterfaces/nic");
    assert!(nic.unknown.contains(&"properties.vnet".to_string()));
    let edges: Vec<(&str, bool)> = nic
        .refs
        .iter()
        .map(|r| (r.attribute.as_str(), r.direct))
        .collect();
    assert_eq!(edges, vec![("dependsOn", false), ("properties.vnet", true)]);
}

#[test]
fn nested_loops_are_bounded() {
    // 800 × 800 × 800 values would exhaust memory: the budget stops it with one error.
    let g = graph(
        r#"{"resources": [{"type": "A.B/c", "name": "x", "properties": {
  "copy": [{"name": "a", "count": 800, "input": {
    "copy": [{"name": "b", "count": 800, "input": {
      "copy": [{"name": "c", "count": 800, "input": "[copyIndex('c')]"}]}}]}}]}}]}"#,
    );
    assert_eq!(g.resources.len(), 1);
    let limits: Vec<_> = g
        .errors
        .iter()
        .filter(|e| e.message.contains("copy loops build more than"))
        .collect();
    assert_eq!(limits.len(), 1, "{:?}", g.errors);
}

#[test]
fn malformed_templates_never_panic() {
    for text in [
        "[]",
        "{\"resources\": 3}",
        "{\"resources\": [1, {\"name\": \"x\"}, {\"type\": 5}]}",
        "{\"resources\": [{\"type\": \"A.B/c\", \"name\": \"[[\", \"copy\": {\"count\": -1}}]}",
        "{\"parameters\": {\"p\": {\"defaultValue\": \"[parameters('p')]\"}}, \"resources\": [{\"type\": \"A.B/c\", \"name\": \"[parameters('p')]\"}]}",
        "{\"resources\": [{\"type\": \"A.B/c\", \"name\": \"[padLeft('x', 999999999)]\"}]}",
        "{\"resources\": [{\"type\": \"A.B/c\", \"name\": \"[format('{0,999999999}', 1)]\"}]}",
        "{\"resources\": [{\"type\": \"A.B/c\", \"name\": \"[copyIndex()]\"}]}",
    ] {
        let g = graph(text);
        assert!(!g.errors.is_empty() || !g.resources.is_empty(), "{text}");
    }
}

#[test]
fn long_chains_of_variables_do_not_overflow_the_stack() {
    let mut vars = String::from("\"v0\": \"x\"");
    for i in 1..5000 {
        vars.push_str(&format!(", \"v{i}\": \"[variables('v{}')]\"", i - 1));
    }
    let text = format!(
        "{{\"variables\": {{{vars}}}, \"resources\": [{{\"type\": \"A.B/c\", \"name\": \"[variables('v4999')]\"}}]}}"
    );
    let g = graph(&text);
    assert!(g.errors.is_empty(), "{:?}", g.errors);
    assert_eq!(g.resources[0].name, "x");
}
