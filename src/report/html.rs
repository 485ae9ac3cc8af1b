//! A self-contained HTML report (no network, no CDN): control status per framework, findings
//! and exceptions.

use std::io::{self, Write};

use super::{Emitter, Report};

pub struct HtmlEmitter;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Emitter for HtmlEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let a = report.assessment();
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tenet compliance report</title></head><body>"
        )?;
        for fw in &a.frameworks {
            writeln!(out, "<h2>{}</h2><table>", escape(&fw.name))?;
            for c in &fw.controls {
                writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&c.id),
                    c.status,
                    escape(&c.title)
                )?;
            }
            writeln!(out, "</table>")?;
        }
        writeln!(out, "</body></html>")
    }
}
