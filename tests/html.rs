//! The HTML report end to end: written by a real scan, rendered by headless Chromium (scripts
//! run, no error, counts in the DOM equal the compliance JSON of the same scan, a screenshot
//! is taken), self-contained, deterministic, and snapshotted.
//!
//! Chromium is required: CI installs it with `.ci/install-tools chromium`.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, scan};
use serde_json::Value;

const EXAMPLE: &str = "fixtures/terraform/example";
const BROKEN: &str = "fixtures/terraform/broken";
const SUPPRESS: &str = "fixtures/suppress";
const EXCEPTIONS: &str = "fixtures/suppress/exceptions.yaml";
/// Chromium is killed when it takes longer than this.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// Chromium: `$CHROMIUM`, else `/usr/bin/chromium`. Missing is a failure, not a skip.
fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "Chromium not found at {}: run `.ci/install-tools chromium` to install it (CI does), \
         or set CHROMIUM to its path",
        path.display()
    );
    path
}

/// Reads a child's pipe to the end on a thread (so a full pipe cannot block it).
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Runs headless Chromium on `page` with a fresh profile under `dir`; returns its stdout.
/// Chromium and its children are killed if they outlive [`CHROMIUM_TIMEOUT`].
fn headless(dir: &Path, args: &[String], page: &Path) -> String {
    let profile = tempfile::tempdir_in(dir).expect("profile dir");
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("cannot run Chromium ({e}): run `.ci/install-tools chromium` to install it")
    });
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for Chromium") {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            // Its own process group: end Chromium with every process it started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!("Chromium did not finish within {CHROMIUM_TIMEOUT:?}: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    assert!(status.success(), "Chromium failed ({status}): {stderr}");
    stdout
}

/// A scan writing the HTML report to `dir/report.html` and the compliance JSON to stdout.
fn scan_html(dir: &Path, args: &[&str]) -> (PathBuf, Value) {
    let file = dir.join("report.html");
    let spec = format!("html:{}", file.display());
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", &spec, "--format", "compliance-json"]);
    let r: Run = scan(&all);
    assert!(r.code == 0 || r.code == 1, "scan failed: {}", r.stderr);
    let json = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("compliance JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (file, json)
}

/// `framework -> status -> count` from the compliance JSON.
fn json_counts(json: &Value) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    for fw in json["frameworks"].as_array().expect("frameworks") {
        let id = fw["id"].as_str().expect("framework id");
        for (status, n) in fw["summary"].as_object().expect("summary") {
            out.insert(
                (id.to_string(), status.clone()),
                n.as_u64().expect("a count"),
            );
        }
    }
    out
}

/// The `<span class="count" data-framework=… data-status=…>N</span>` elements of a DOM.
fn dom_counts(dom: &str) -> BTreeMap<(String, String), u64> {
    let re = regex::Regex::new(
        r#"<span class="count" data-framework="([^"]+)" data-status="([^"]+)">(\d+)</span>"#,
    )
    .expect("regex");
    let mut out = BTreeMap::new();
    for c in re.captures_iter(dom) {
        let key = (c[1].to_string(), c[2].to_string());
        let n: u64 = c[3].parse().expect("a number");
        assert!(out.insert(key.clone(), n).is_none(), "{key:?} shown twice");
    }
    out
}

/// Nothing in the page points outside it.
fn assert_self_contained(html: &str) {
    let external = regex::Regex::new(
        r#"(?i)(\b(src|href|action|poster|srcset)\s*=\s*["']?\s*(https?:)?//|@import|url\(\s*["']?\s*(https?:)?//|<link\b|<iframe\b)"#,
    )
    .expect("regex");
    let hits: Vec<&str> = external.find_iter(html).map(|m| m.as_str()).collect();
    assert!(
        hits.is_empty(),
        "the report refers outside itself: {hits:?}"
    );
    assert!(!html.contains("http://") && !html.contains("https://"));
}

/// Renders the report in Chromium and checks what its scripts left in the DOM.
fn check_in_browser(dir: &Path, file: &Path, json: &Value) -> String {
    let dom = headless(dir, &["--dump-dom".to_string()], file);
    let root = regex::Regex::new(r"<html[^>]*>")
        .expect("regex")
        .find(&dom)
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| panic!("no <html> element in the DOM: {dom}"));
    assert!(
        !root.contains("data-errors"),
        "scripts raised errors: {root}"
    );
    assert!(
        root.contains(r#"data-ready="1""#),
        "the script did not finish: {root}"
    );
    // The filter toolbars are shown by the script.
    let toolbars: Vec<&str> = regex::Regex::new(r#"<div class="toolbar"[^>]*>"#)
        .expect("regex")
        .find_iter(&dom)
        .map(|m| m.as_str())
        .collect();
    assert!(!toolbars.is_empty());
    assert!(
        toolbars.iter().all(|t| !t.contains("hidden")),
        "{toolbars:?}"
    );
    let expected = json_counts(json);
    assert!(!expected.is_empty());
    assert_eq!(
        dom_counts(&dom),
        expected,
        "counts in the page vs compliance JSON"
    );
    dom
}

/// Appended to a copy of the report: clicks each status filter, then searches, recording the
/// visible control rows in `data-probe`.
const PROBE: &str = r#"<script>
(function () {
  var out = [];
  document.querySelectorAll("section.framework").forEach(function (sec) {
    var fw = sec.getAttribute("data-framework");
    var visible = function () { return sec.querySelectorAll("tbody.ctl:not([hidden])").length; };
    sec.querySelectorAll("button[data-filter]").forEach(function (b) {
      b.click();
      out.push(fw + ":" + b.getAttribute("data-filter") + "=" + visible());
    });
    sec.querySelector("button[data-filter=all]").click();
    var search = sec.querySelector("input[type=search]");
    search.value = "CC6.1";
    search.dispatchEvent(new Event("input"));
    out.push(fw + ":search=" + visible());
  });
  document.documentElement.setAttribute("data-probe", out.join(" "));
})();
</script>"#;

/// Runs [`PROBE`] on the report; returns `framework:filter=visible-rows` for each filter.
fn filters_in_browser(dir: &Path, file: &Path) -> String {
    let html = std::fs::read_to_string(file).expect("report");
    let probed = dir.join("probed.html");
    let at = html.rfind("</body>").expect("</body>");
    std::fs::write(&probed, format!("{}{PROBE}{}", &html[..at], &html[at..])).expect("write");
    let dom = headless(dir, &["--dump-dom".to_string()], &probed);
    let root = regex::Regex::new(r"<html[^>]*>")
        .expect("regex")
        .find(&dom)
        .map(|m| m.as_str().to_string())
        .expect("<html>");
    assert!(
        !root.contains("data-errors"),
        "filtering raised errors: {root}"
    );
    regex::Regex::new(r#"data-probe="([^"]*)""#)
        .expect("regex")
        .captures(&root)
        .map(|c| c[1].to_string())
        .unwrap_or_else(|| panic!("the probe did not run: {root}"))
}

fn assert_screenshot(dir: &Path, file: &Path) {
    let shot = dir.join("shot.png");
    headless(
        dir,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
        file,
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "screenshot is only {} bytes: is the page blank?",
        png.len()
    );
}

#[test]
fn report_renders_in_chromium_with_the_counts_of_the_compliance_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, json) = scan_html(dir.path(), &[EXAMPLE, "--framework", "soc2"]);
    let html = std::fs::read_to_string(&file).expect("report written");
    assert_self_contained(&html);
    let dom = check_in_browser(dir.path(), &file, &json);
    assert_eq!(json_counts(&json)[&("soc2".into(), "fail".into())], 5);
    assert!(dom.contains("5 of 11 automated controls fail"));
    assert!(dom.contains("<code>fixtures/terraform/example/main.tf:42</code>"));
    assert_eq!(
        filters_in_browser(dir.path(), &file),
        "soc2:all=61 soc2:fail=5 soc2:not-evaluated=0 soc2:pass=1 soc2:not-applicable=5 \
         soc2:manual=50 soc2:search=1"
    );
    assert_screenshot(dir.path(), &file);
}

#[test]
fn report_shows_exceptions_suppressions_and_caveats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, json) = scan_html(
        dir.path(),
        &[
            SUPPRESS,
            BROKEN,
            "--exceptions",
            EXCEPTIONS,
            "--framework",
            "soc2",
            "--framework",
            "iso27001-2022",
        ],
    );
    let html = std::fs::read_to_string(&file).expect("report written");
    assert_self_contained(&html);
    let dom = check_in_browser(dir.path(), &file, &json);
    for status in ["applied", "expired", "unused"] {
        assert!(
            dom.contains(&format!(r#"<tr data-exception="{status}">"#)),
            "no {status} exception"
        );
    }
    assert!(dom.contains("access to reports is logged by CloudTrail data events"));
    assert!(dom.contains("security@acme.example"));
    assert!(dom.contains("<h4>Excepted findings</h4>"));
    assert!(dom.contains("Suppressions not applied"));
    assert!(dom.contains("names unknown rule <code>aws-s3-versoning</code>"));
    // A file that could not be loaded: a caveat at the top, and the error itself.
    let caveats = dom.find("Caveats:").expect("caveats shown");
    assert!(
        caveats
            < dom
                .find("<section class=\"card framework\"")
                .expect("frameworks")
    );
    assert!(dom.contains("statuses cover what was loaded: fixtures/terraform/broken/unclosed.tf"));
    assert!(dom.contains("Files that could not be loaded"));
    // Several frameworks: an overview links to each.
    assert!(dom.contains(r##"<a href="#fw-soc2">"##));
    assert!(dom.contains(r##"<a href="#fw-iso27001-2022">"##));
}

#[test]
fn report_is_deterministic_and_stable() {
    let render = || {
        let dir = tempfile::tempdir().expect("tempdir");
        let (file, _) = scan_html(dir.path(), &[EXAMPLE, "--framework", "soc2"]);
        std::fs::read(file).expect("report written")
    };
    let first = render();
    assert!(first == render(), "two scans gave different HTML");
    let html = String::from_utf8(first)
        .expect("UTF-8")
        .replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!(html);
}
