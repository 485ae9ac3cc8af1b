//! Unit tests of the Bicep loader: the two passes, the called templates and their errors.

use super::*;

fn unit(display: &str, src: &str) -> Unit {
    let (unit, errors) = parse(display, Path::new(display), src.to_string(), false);
    assert!(errors.is_empty(), "{errors:?}");
    unit.expect("parses")
}

/// A module's body facts (references, attribute regions) are worked out once and shared
/// by its calls, except where a property key is interpolated: each call then has its own
/// paths.
#[test]
fn body_facts_are_shared_between_calls_unless_a_key_is_interpolated() {
    let module = unit(
        "m.bicep",
        "param p string\n\
         resource k 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: p\n}\n\
         resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: p\n  \
         properties: {\n    keyRef: k.id\n  }\n  tags: {\n    '${p}-tag': 'v'\n  }\n}\n\
         resource f 'Microsoft.Storage/storageAccounts/fileServices@2023-01-01' = {\n  \
         parent: s\n  name: 'default'\n  properties: {\n    x: 1\n  }\n}\n",
    );
    let root = unit(
        "main.bicep",
        "module a 'm.bicep' = {\n  name: 'a'\n  params: {\n    p: 'one'\n  }\n}\n\
         module b 'm.bicep' = {\n  name: 'b'\n  params: {\n    p: 'two'\n  }\n}\n",
    );
    let reached = ["m.bicep".to_string()];
    let modules = Modules::new(
        [("m.bicep".to_string(), module)].into_iter().collect(),
        reached.iter(),
    );
    let mut g = ResourceGraph::new();
    emit_root(&modules, &root, HashMap::new(), None, &mut g);
    let paths = |id: &str| -> Vec<String> {
        let r = g.resources.iter().find(|r| r.id == id).expect(id);
        let f = r.file_source().expect("file source");
        f.regions.iter().map(|(p, _)| p.to_string()).collect()
    };
    assert_eq!(
        paths("bicep:main.bicep/module.a.s"),
        [
            "name",
            "properties",
            "properties.keyRef",
            "tags",
            "tags.one-tag"
        ]
    );
    assert_eq!(
        paths("bicep:main.bicep/module.b.s"),
        [
            "name",
            "properties",
            "properties.keyRef",
            "tags",
            "tags.two-tag"
        ]
    );
    assert_eq!(
        paths("bicep:main.bicep/module.b.f"),
        ["name", "parent", "properties", "properties.x"]
    );
    // Each call's references point at that call's resources.
    for call in ["a", "b"] {
        let s = g
            .resources
            .iter()
            .find(|r| r.id == format!("bicep:main.bicep/module.{call}.s"))
            .expect("storage account");
        let to: Vec<&str> = s.refs.iter().map(|r| &*r.to).collect();
        assert_eq!(to, [format!("bicep:main.bicep/module.{call}.k")]);
        let f = g
            .resources
            .iter()
            .find(|r| r.id == format!("bicep:main.bicep/module.{call}.f"))
            .expect("file service");
        assert_eq!(
            f.refs[0].to.as_ref(),
            format!("bicep:main.bicep/module.{call}.s")
        );
    }
    // The bodies without an interpolated key (k, f and the root's two module calls'
    // bodies are of other templates) are cached once each; s is not.
    let cache = modules
        .get("m.bicep")
        .expect("module")
        .facts
        .lock()
        .expect("lock")
        .len();
    assert_eq!(cache, 2);
}

/// A called template stays while any root that reaches it is still to be evaluated,
/// and is dropped after the last one; reach follows calls through called templates,
/// once each, cycles included.
#[test]
fn called_templates_are_dropped_after_their_last_root() {
    let calls: HashMap<String, Vec<String>> = [
        ("r1", vec!["a"]),
        ("r2", vec!["a", "b"]),
        ("a", vec!["c"]),
        ("c", vec!["a", "missing"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    let units: BTreeMap<String, Unit> = ["a", "b", "c"]
        .into_iter()
        .map(|d| (d.to_string(), unit(d, "param p string\n")))
        .collect();
    let r1 = reachable(&calls, "r1", &units);
    let r2 = reachable(&calls, "r2", &units);
    assert_eq!(r1, ["a", "c"]);
    assert_eq!(r2, ["a", "b", "c"]);

    let modules = Modules::new(units, r1.iter().chain(&r2));
    let held = modules.get("a").expect("a is held");
    assert_eq!(held.display, "a");
    for d in &r1 {
        modules.release(d);
    }
    assert!(modules.get("a").is_some() && modules.get("c").is_some());
    for d in &r2 {
        modules.release(d);
    }
    for d in ["a", "b", "c"] {
        assert!(modules.get(d).is_none(), "{d} is dropped");
    }
    assert_eq!(held.display, "a", "a holder keeps its copy");
    assert!(modules.get("missing").is_none());
}

/// A called template read from disk is parsed when a root first calls it, once however
/// many call it, and dropped after its last root; one that cannot be read again is
/// reported with its file.
#[test]
fn called_templates_on_disk_are_parsed_when_first_called() {
    let dir = tempfile::tempdir().expect("temp dir");
    let m = dir.path().join("m.bicep");
    std::fs::write(&m, "param p string\n").expect("write");
    let paths: BTreeMap<String, (PathBuf, bool, usize)> = [
        ("m.bicep".to_string(), (m, true, 1)),
        (
            "gone.bicep".to_string(),
            (dir.path().join("gone.bicep"), true, 1),
        ),
    ]
    .into_iter()
    .collect();
    let reached = ["m.bicep", "m.bicep", "gone.bicep"].map(String::from);
    let modules = Modules::on_disk(paths, 1 << 20, reached.iter());
    let first = modules.get("m.bicep").expect("parsed when first called");
    let again = modules.get("m.bicep").expect("still held");
    assert!(Arc::ptr_eq(&first, &again), "parsed once");
    assert!(modules.get("gone.bicep").is_none());
    let errors = modules.take_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, "gone.bicep");
    modules.release("m.bicep");
    assert!(modules.get("m.bicep").is_some(), "one root still to go");
    modules.release("m.bicep");
    assert!(
        modules.get("m.bicep").is_none(),
        "dropped after its last root"
    );
}

/// A called template the first pass did not parse has its errors reported once: when a
/// root first calls it, or at the end when no evaluation called it. A template the first
/// pass parsed (and reported) is not reported again.
#[test]
fn errors_of_called_templates_are_reported_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths: BTreeMap<String, (PathBuf, bool, usize)> = BTreeMap::new();
    for (name, checked) in [("called", false), ("uncalled", false), ("checked", true)] {
        let path = dir.path().join(format!("{name}.bicep"));
        std::fs::write(&path, "param p string\nbogus statement\n").expect("write");
        paths.insert(format!("{name}.bicep"), (path, checked, 1));
    }
    let reached = ["called.bicep", "uncalled.bicep", "checked.bicep"].map(String::from);
    let modules = Modules::on_disk(paths, 1 << 20, reached.iter());
    assert!(modules.get("called.bicep").is_some());
    assert!(modules.get("called.bicep").is_some(), "parsed once");
    assert!(modules.get("checked.bicep").is_some());
    for d in &reached {
        modules.release(d);
    }
    let mut errors: Vec<(String, Option<u32>)> = modules
        .take_errors()
        .into_iter()
        .map(|e| (e.file, e.line))
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        [
            ("called.bicep".to_string(), Some(2)),
            ("uncalled.bicep".to_string(), Some(2)),
        ]
    );
}

/// Writes `files` (name without `.bicep`, text) into a new directory and gives it with
/// the files as a scan discovers them.
fn bicep_dir(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<Discovered>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let found = files
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(format!("{name}.bicep"));
            std::fs::write(&path, text).expect("write");
            Discovered {
                path,
                display: format!("{name}.bicep"),
                kind: FileKind::Bicep,
                explicit: true,
            }
        })
        .collect();
    (dir, found)
}

/// The first pass reads a template's module calls off its statements when their paths are
/// plain literals, and parses it (reporting its errors there) when one takes evaluating;
/// either way a scan reports each template's errors once and evaluates the same modules.
#[test]
fn first_pass_finds_calls_with_and_without_parsing() {
    let (dir, files) = bicep_dir(&[
        (
            "plain",
            "module a 'm.bicep' = {\n  name: 'a'\n}\nbogus one\n",
        ),
        (
            "evaluated",
            "var f = 'n'\nmodule b '${f}.bicep' = {\n  name: 'b'\n}\nbogus two\n",
        ),
        (
            "m",
            "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'm'\n}\nbogus three\n",
        ),
        (
            "n",
            "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'n'\n}\n",
        ),
    ]);
    let (mut graph, deployments) = first_pass(&files, 1 << 20, Some(dir.path()));
    let deployments = deployments.expect("roots");
    assert_eq!(deployments.len(), 2, "m and n are called, not roots");
    crate::load::load_all(&mut graph, deployments, None);
    let errors: Vec<(&str, Option<u32>)> = graph
        .errors
        .iter()
        .map(|e| (e.file.as_str(), e.line))
        .collect();
    assert_eq!(
        errors,
        [
            ("evaluated.bicep", Some(5)),
            ("m.bicep", Some(4)),
            ("plain.bicep", Some(4)),
        ]
    );
    let ids: Vec<&str> = graph.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "bicep:evaluated.bicep/module.b.s",
            "bicep:plain.bicep/module.a.s",
        ]
    );
}

/// A template whose only call is a `module` statement the parser skips (a syntax error
/// inside it) is evaluated as a root of its own, once, after the others; the caller's
/// error is reported once.
#[test]
fn a_template_only_a_skipped_statement_calls_is_a_root() {
    let (dir, files) = bicep_dir(&[
        (
            "broken",
            "module x 'orphan.bicep' = {\n  name: 'x'\n  params: {\n    a: (\n  }\n}\n",
        ),
        (
            "orphan",
            "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'o'\n}\n",
        ),
    ]);
    let (mut graph, deployments) = first_pass(&files, 1 << 20, Some(dir.path()));
    let mut deployments = deployments.expect("roots");
    assert_eq!(deployments.len(), 1, "orphan looks called");
    let first = deployments.load(0..1, None);
    assert!(first.resources.is_empty(), "{:?}", first.resources);
    assert_eq!(deployments.add_late_roots(), 1);
    assert_eq!(deployments.add_late_roots(), 0, "added once");
    let late = deployments.load(1..2, None);
    let ids: Vec<&str> = late.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["bicep:orphan.bicep/s"]);
    graph.extend(first);
    graph.extend(late);
    graph.errors.extend(deployments.finish());
    let files: Vec<&str> = graph.errors.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, ["broken.bicep"], "{:?}", graph.errors);
}

/// With `ReadTypes::only`, a resource of another type keeps its identity (name, location,
/// type, API version: what names it, its children and its region) and its references, and
/// nothing else of its body is evaluated; a body whose identity takes evaluating the rest
/// (a spread) is evaluated whole, as are resources of the types read.
#[test]
fn resources_of_unread_types_keep_their_identity_only() {
    let root = unit(
        "main.bicep",
        "param loc string = 'westeurope'\n\
         var extra = { kind: 'StorageV2' }\n\
         resource w 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {\n  \
         name: 'logs-${loc}'\n  location: loc\n  properties: {\n    retentionInDays: 30\n  }\n}\n\
         resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'st'\n  \
         location: loc\n  properties: {\n    minimumTlsVersion: 'TLS1_2'\n    \
         workspace: w.id\n  }\n}\n\
         resource spread 'Microsoft.Web/sites@2023-01-01' = {\n  name: 'app'\n  ...extra\n  \
         properties: {\n    storage: s.id\n  }\n}\n",
    );
    let modules = Modules::new(BTreeMap::new(), std::iter::empty());
    let mut read_all = ResourceGraph::new();
    emit_root(&modules, &root, HashMap::new(), None, &mut read_all);
    let mut modules = modules;
    modules.reads = ReadTypes::only(["Microsoft.Storage/storageAccounts".to_string()]);
    let mut read_some = ResourceGraph::new();
    emit_root(&modules, &root, HashMap::new(), None, &mut read_some);
    let by_id = |g: &ResourceGraph, id: &str| -> Resource {
        g.resources
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id}"))
    };
    let workspace = by_id(&read_some, "bicep:main.bicep/w");
    assert_eq!(
        workspace.attributes,
        serde_json::json!({
            "name": "logs-westeurope",
            "location": "westeurope",
            "type": "Microsoft.OperationalInsights/workspaces",
            "apiVersion": "2023-09-01",
        })
    );
    assert_eq!(workspace.scope.region.as_deref(), Some("westeurope"));
    assert_eq!(
        by_id(&read_all, "bicep:main.bicep/w").attributes["properties"]["retentionInDays"],
        30.0
    );
    // The type read is the same either way, its references and regions too.
    let storage = by_id(&read_some, "bicep:main.bicep/s");
    assert_eq!(storage, by_id(&read_all, "bicep:main.bicep/s"));
    assert_eq!(storage.refs.len(), 1);
    assert!(storage.file_source().is_some_and(|f| !f.regions.is_empty()));
    // A body with a spread is evaluated whole.
    let spread = by_id(&read_some, "bicep:main.bicep/spread");
    assert_eq!(spread.attributes["kind"], "StorageV2");
    assert_eq!(
        spread.attributes,
        by_id(&read_all, "bicep:main.bicep/spread").attributes
    );
    // Resources of the types not read keep their ids, names and blocks, but neither their
    // references nor the regions of their attributes: no rule sees them.
    assert_eq!(read_some.resources.len(), read_all.resources.len());
    for (some, all) in read_some.resources.iter().zip(&read_all.resources) {
        let (some_file, all_file) = (some.file_source(), all.file_source());
        assert_eq!(
            (
                &some.id,
                &some.name,
                some_file.map(|f| (&f.file, f.start_line, f.end_line, f.block))
            ),
            (
                &all.id,
                &all.name,
                all_file.map(|f| (&f.file, f.start_line, f.end_line, f.block))
            )
        );
        if some.resource_type != "Microsoft.Storage/storageAccounts" {
            assert!(some.refs.is_empty(), "{}", some.id);
            assert!(
                some_file.is_some_and(|f| f.regions.is_empty()),
                "{}",
                some.id
            );
        }
    }
    // What was left out was there to leave out.
    let spread_whole = by_id(&read_all, "bicep:main.bicep/spread");
    assert_eq!(spread_whole.refs.len(), 1);
    assert!(
        spread_whole
            .file_source()
            .is_some_and(|f| !f.regions.is_empty())
    );
}
