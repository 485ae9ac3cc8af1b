//! `tenet graph`: the resource graph of the inputs, as JSON (see docs/resource-graph.md).

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_ERROR, InputArgs, load_inputs};

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    inputs: InputArgs,
    /// One line of JSON instead of indented output.
    #[arg(long)]
    compact: bool,
}

pub fn run(args: GraphArgs) -> ExitCode {
    let graph = match load_inputs(
        &args.inputs,
        args.inputs.limits(crate::limits::Limits::default()),
        None,
    ) {
        Ok((g, _)) => g,
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
