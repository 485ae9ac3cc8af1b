//! `tenet verify BUNDLE`: checks an evidence bundle against its manifest.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, EXIT_FINDINGS, stdout_result};
use crate::evidence::{sign, verify};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle: a directory or a `.tar.gz` written by `tenet scan --evidence`.
    #[arg(value_name = "BUNDLE")]
    bundle: PathBuf,
    /// Check the manifest's Ed25519 signature with this public key (PEM); an unsigned bundle
    /// then fails.
    #[arg(long, value_name = "FILE")]
    public_key: Option<PathBuf>,
    /// The manifest must have this SHA-256 (printed when the bundle was written).
    #[arg(long, value_name = "SHA256")]
    expect_digest: Option<String>,
    /// Also check that the input files under this directory still have the hashes the
    /// manifest recorded (e.g. a checkout of the scanned commit).
    #[arg(long, value_name = "DIR")]
    inputs: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    format: VerifyFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum VerifyFormat {
    Text,
    Json,
}

pub fn run(args: VerifyArgs) -> ExitCode {
    let key = match &args.public_key {
        Some(p) => match sign::read_verifying_key(p) {
            Ok(k) => Some(k),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_ERROR);
            }
        },
        None => None,
    };
    let opts = verify::Options {
        public_key: key.as_ref(),
        expect_digest: args.expect_digest.as_deref(),
        inputs: args.inputs.as_deref(),
    };
    let name = args.bundle.display().to_string();
    let v = match verify::verify(&args.bundle, &opts) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {name}: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let text = match args.format {
        VerifyFormat::Json => serde_json::to_string_pretty(&v).map(|s| s + "\n"),
        VerifyFormat::Text => Ok(render(&name, &v)),
    };
    let result = match text {
        Ok(t) => {
            use std::io::Write;
            stdout_result(std::io::stdout().lock().write_all(t.as_bytes()))
        }
        Err(e) => Err(format!("cannot encode the result: {e}")),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    if v.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    }
}

fn render(name: &str, v: &verify::Verification) -> String {
    let mut out = String::new();
    for p in &v.problems {
        out.push_str(&format!(
            "{:<14} {}: {}\n",
            p.kind.as_str(),
            p.path,
            p.message
        ));
    }
    if let Some(m) = &v.manifest {
        out.push_str(&format!(
            "bundle of {} {} ({} to {}), scope: {}{}\n",
            m.tool.name,
            m.tool.version,
            m.started,
            m.finished,
            m.scope.paths.join(", "),
            m.scope
                .git
                .as_ref()
                .map(|g| format!(
                    " at commit {}{}",
                    g.commit,
                    if g.dirty {
                        " (with uncommitted changes)"
                    } else {
                        ""
                    }
                ))
                .unwrap_or_default()
        ));
        out.push_str(&format!(
            "manifest sha256 {}: {} of {} files verified, {} inputs, {} policies and {} catalogs hashed\n",
            v.manifest_sha256.as_deref().unwrap_or("?"),
            v.verified,
            m.files.len(),
            m.inputs.len(),
            m.policies.len(),
            m.catalogs.len()
        ));
        if v.inputs_verified > 0 {
            out.push_str(&format!(
                "inputs: {} of {} unchanged\n",
                v.inputs_verified,
                m.inputs.len()
            ));
        }
    }
    out.push_str(&format!(
        "signature: {}\n",
        match v.signature {
            "verified" => "verified with the given public key",
            "not-checked" => "present but not checked (give --public-key)",
            _ => "none",
        }
    ));
    if v.ok() {
        out.push_str(&format!("{name}: OK\n"));
    } else {
        out.push_str(&format!(
            "{name}: FAILED ({} problem{})\n",
            v.problems.len(),
            if v.problems.len() == 1 { "" } else { "s" }
        ));
    }
    out
}
