//! `tenet graph`: the resource graph of the inputs, as JSON (see docs/resource-graph.md).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_ERROR, base_dir, load_inputs};

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Files and directories to load.
    #[arg(default_value = ".", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Directory that paths are shown relative to.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// One line of JSON instead of indented output.
    #[arg(long)]
    compact: bool,
    /// Files larger than this many bytes are reported instead of read.
    #[arg(long, value_name = "BYTES", default_value_t = crate::load::text::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
}

pub fn run(args: GraphArgs) -> ExitCode {
    let graph = match base_dir(args.root.as_ref())
        .and_then(|base| load_inputs(&args.paths, &base, args.max_file_size))
    {
        Ok(g) => g,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = if args.compact {
        serde_json::to_writer(&mut out, &graph)
    } else {
        serde_json::to_writer_pretty(&mut out, &graph)
    };
    if let Err(e) = written
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the graph: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    for e in &graph.errors {
        let pos = e.line.map(|l| format!(":{l}")).unwrap_or_default();
        eprintln!("warning: {}{pos}: {}", e.file, e.message);
    }
    ExitCode::SUCCESS
}
