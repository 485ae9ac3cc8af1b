//! The whole shared corpus scanned twice, with different worker counts and the paths given in
//! a different order, gives byte-identical JSON (the leading peer's results vary between runs
//! on count-expanded modules). Runs when `TENET_CORPUS` names the extracted corpus (`.ci/run`
//! sets it when the archive is there).

mod common;

use common::tenet;

fn scan(corpus: &str, jobs: &str, parts: &[&str], out: &std::path::Path) -> Vec<u8> {
    let result = tenet()
        .current_dir(corpus)
        .args(["--jobs", jobs, "scan"])
        .args(parts)
        .args(["--root", ".", "--no-config", "--soft-fail", "-f"])
        .arg(format!("json:{}", out.display()))
        .output()
        .expect("run tenet");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    std::fs::read(out).expect("the JSON report")
}

#[test]
fn the_corpus_scans_to_identical_json_twice() {
    let Ok(corpus) = std::env::var("TENET_CORPUS") else {
        eprintln!("TENET_CORPUS not set: skipping the determinism test on the corpus");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let first = scan(
        &corpus,
        "2",
        &["terraform", "k8s", "bicep"],
        &dir.path().join("a.json"),
    );
    let second = scan(
        &corpus,
        "1",
        &["bicep", "k8s", "terraform"],
        &dir.path().join("b.json"),
    );
    let report: serde_json::Value = serde_json::from_slice(&first).expect("JSON");
    assert!(
        report["findings"].as_array().unwrap().len() > 1000,
        "the corpus should give many findings"
    );
    if first != second {
        let at = first
            .iter()
            .zip(&second)
            .position(|(a, b)| a != b)
            .unwrap_or(first.len().min(second.len()));
        let window = |b: &[u8]| {
            String::from_utf8_lossy(&b[at.saturating_sub(200)..(at + 200).min(b.len())])
                .into_owned()
        };
        panic!(
            "the two scans differ at byte {at} ({} vs {} bytes):\n--- first\n{}\n--- second\n{}",
            first.len(),
            second.len(),
            window(&first),
            window(&second)
        );
    }
}
