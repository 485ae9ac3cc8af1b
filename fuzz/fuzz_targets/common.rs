//! Shared by the file-format targets: the fuzz input is written to a file of the given name
//! and loaded through the same loaders as `tenet scan`, then serialized as `tenet graph`
//! does. A panic anywhere (even one the loaders catch and report as "internal error") is a
//! crash: libfuzzer-sys aborts on every panic.

use tenet::discover::{Discovered, FileKind};
use tenet::load::{LoadOptions, load};

/// One directory for every input (each input runs on a fresh thread; a thread-local
/// directory would be made and removed per input).
fn dir() -> &'static tempfile::TempDir {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary directory"))
}

/// Loads `data` as a file named `name`, with the stacks the CLI gives its threads (a 256 MiB
/// command thread, 64 MiB workers): nesting is bounded in depth, and those stacks are what
/// make the bound safe in unoptimised builds.
pub fn load_as(name: &str, data: &[u8]) {
    static POOL: std::sync::Once = std::sync::Once::new();
    POOL.call_once(|| {
        let _ = tenet::cli::init_worker_pool(None);
    });
    let (name, data) = (name.to_string(), data.to_vec());
    std::thread::Builder::new()
        .stack_size(tenet::cli::MAIN_STACK_BYTES)
        .spawn(move || load_on_this_thread(&name, &data))
        .expect("a thread")
        .join()
        .expect("the load finished");
}

fn load_on_this_thread(name: &str, data: &[u8]) {
    let dir = dir();
    let path = dir.path().join(name);
    std::fs::write(&path, data).expect("write the input");
    let Some(kind) = FileKind::of(&path) else {
        return;
    };
    let file = Discovered {
        path,
        display: name.to_string(),
        kind,
        explicit: true,
    };
    let mut opts = LoadOptions {
        base: Some(dir.path().to_path_buf()),
        ..LoadOptions::default()
    };
    // Well inside libFuzzer's 10 s: an HCL parse that needs more is given up by the loader
    // (and reported), which is the bound under test, not a hang.
    opts.limits.hcl_parse = std::time::Duration::from_secs(3);
    let graph = load(&[file], Vec::new(), &opts);
    assert!(
        !graph
            .errors
            .iter()
            .any(|e| e.message.starts_with("internal error")),
        "a loader panicked: {:?}",
        graph.errors
    );
    serde_json::to_string(&graph).expect("the graph serializes");
}
