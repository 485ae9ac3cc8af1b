//! Replays a live inventory: the resource graph `tenet audit` collected (`inventory/graph.json`
//! of an evidence bundle), loaded as it was, gaps and coverage included, so a stored audit can
//! be judged again by other or newer rules without calling any API.

use crate::graph::{InputFile, LoadError, Origin, ResourceGraph, gap_error};

/// Whether the start of a JSON file looks like a collected inventory.
pub fn sniff(head: &str) -> bool {
    let head = head.trim_start();
    let live = head.contains("\"origin\": \"live\"")
        || head.contains("\"origin\":\"live\"")
        // An audit that read nothing still has its gaps and coverage.
        || (head.contains("\"resources\": []") && head.contains("\"gaps\""));
    head.starts_with('{') && head.contains("\"schema_version\"") && live
}

/// Loads an inventory file; resources that are not live, or a file that is not a graph, are
/// errors naming the file.
pub fn load(display: &str, text: &str) -> ResourceGraph {
    let mut out = ResourceGraph::new();
    let fail = |message: String, line: Option<u32>| LoadError {
        file: display.to_string(),
        line,
        column: None,
        message,
        file_skipped: true,
    };
    let graph: ResourceGraph = match serde_json::from_str(text) {
        Ok(g) => g,
        Err(e) => {
            out.errors.push(fail(
                format!("not a tenet inventory graph: {e}"),
                u32::try_from(e.line()).ok(),
            ));
            return out;
        }
    };
    if graph.schema_version != crate::graph::SCHEMA_VERSION {
        out.errors.push(fail(
            format!(
                "inventory graph schema version {} is not {}",
                graph.schema_version,
                crate::graph::SCHEMA_VERSION
            ),
            None,
        ));
        return out;
    }
    if let Some(r) = graph.resources.iter().find(|r| r.origin != Origin::Live) {
        out.errors.push(fail(
            format!(
                "resource {} has origin {}: only live inventories are replayed (scan the files themselves)",
                r.id,
                r.origin.as_str()
            ),
            None,
        ));
        return out;
    }
    out.errors.extend(graph.errors);
    out.errors.extend(
        graph
            .gaps
            .iter()
            .filter(|g| g.is_failed_call())
            .map(gap_error),
    );
    out.resources = graph.resources;
    out.gaps = graph.gaps;
    out.coverage = graph.coverage;
    out.files.push(InputFile {
        file: display.to_string(),
        kind: "inventory".into(),
        scanned: true,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_live_graphs_are_replayed() {
        let live = r#"{"schema_version": "1", "resources": [{"id": "live:aws/arn:aws:s3:::b", "type": "aws_s3_bucket",
            "origin": "live", "mode": "managed", "provider": "aws", "name": "b",
            "scope": {"account": null, "region": null, "namespace": null}, "attributes": {"bucket": "b"},
            "unknown": [], "refs": [], "source": {"provider": "aws", "native_id": "arn:aws:s3:::b"}}],
            "files": [], "errors": [],
            "gaps": [{"provider": "aws", "operation": "kms:ListKeys", "resource_types": ["aws_kms_key"], "kind": "denied", "message": "no"}],
            "coverage": [{"platform": "aws", "types": ["aws_s3_bucket"]}]}"#;
        assert!(sniff(live));
        let g = load("inv.json", live);
        assert_eq!(g.resources.len(), 1);
        assert_eq!(g.gaps.len(), 1);
        assert_eq!(g.errors.len(), 1, "the failed call is listed again");
        assert_eq!(g.coverage.len(), 1);
        let file = live.replace(r#""origin": "live""#, r#""origin": "terraform""#);
        assert!(!sniff(&file));
        let e = load("inv.json", &file).errors;
        assert!(e[0].message.contains("only live inventories"), "{e:?}");
        let broken = load("inv.json", "{\"schema_version\": \"1\",\n \"resources\": [");
        assert_eq!(broken.errors[0].line, Some(2));
    }
}
