//! HCL parsing within a time limit.
//!
//! hcl-edit's parser backtracks through every level of a nesting that fails to parse: a few
//! hundred bytes of objects opened after operators and never closed take minutes (the time
//! triples with each level), and closing brackets in a comment after them do not help. The
//! parse cannot be interrupted, so every HCL text is parsed on a parse thread of the calling
//! thread's own, and given up when it takes longer than the limit (`hcl-parse-seconds`).
//! A parse thread lives as long as its caller and serves each of its parses in turn (one per
//! file would cost more than the parse: 0.3 s on the Terraform corpus); one that was given up
//! on runs on, unseen, until its parse ends or the process does, and the caller makes another.

use std::cell::RefCell;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use hcl_edit::structure::Body;

use super::relaxed;
use crate::graph::LoadError;

/// Why HCL text did not parse.
pub(crate) enum HclFailure {
    Syntax(hcl_edit::parser::Error),
    /// The parser did not finish within this limit.
    TooSlow(Duration),
    /// The parser failed (a panic: a bug of the parser, reported as such).
    Crashed,
}

/// The parse thread of one calling thread: texts go in, parses come out, in order.
struct ParseThread {
    texts: Sender<String>,
    parses: Receiver<Result<Body, hcl_edit::parser::Error>>,
}

impl ParseThread {
    fn spawn() -> Option<ParseThread> {
        let (texts, jobs) = mpsc::channel::<String>();
        let (done, parses) = mpsc::channel();
        std::thread::Builder::new()
            .name("hcl-parse".into())
            // As deep as a worker's: the parser recurses once per nesting level.
            .stack_size(64 << 20)
            .spawn(move || {
                // Ends when its caller is gone, or gave up on it (nobody hears the result).
                for text in jobs {
                    if done.send(parse_body(&text)).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(ParseThread { texts, parses })
    }
}

thread_local! {
    /// This thread's parse thread, made by its first parse.
    static PARSE_THREAD: RefCell<Option<ParseThread>> = const { RefCell::new(None) };
}

/// Parses an HCL body; a text that fails is parsed again as [`relaxed`] rewrites it (valid HCL
/// that hcl-edit rejects), and keeps its own error if that fails too.
fn parse_body(text: &str) -> Result<Body, hcl_edit::parser::Error> {
    // A clone has no growth slack: the parser's vectors grew by doubling (they held 63 of the
    // 160 MB heap peak of the Terraform corpus), and they are freed here, where the next parse
    // reuses their memory.
    let parsed = hcl_edit::parser::parse_body(text).or_else(|e| {
        relaxed::relax(text)
            .and_then(|again| hcl_edit::parser::parse_body(&again).ok())
            .ok_or(e)
    });
    parsed.clone()
}

/// Parses an HCL body on this thread's parse thread, giving up after `limit`.
pub(crate) fn parse_hcl(text: &str, limit: Duration) -> Result<Body, HclFailure> {
    let Some(worker) = PARSE_THREAD
        .with(|slot| slot.borrow_mut().take())
        .or_else(ParseThread::spawn)
    else {
        // No thread to be had: parse here, unbounded.
        return parse_body(text).map_err(HclFailure::Syntax);
    };
    // A thread is kept only after it answered, so it is waiting for this text; if it is gone
    // all the same, the receive below says so.
    let _ = worker.texts.send(text.to_string());
    match worker.parses.recv_timeout(limit) {
        Ok(parsed) => {
            PARSE_THREAD.with(|slot| *slot.borrow_mut() = Some(worker));
            parsed.map_err(HclFailure::Syntax)
        }
        // The thread is left to its parse; the next one gets a new thread.
        Err(RecvTimeoutError::Timeout) => Err(HclFailure::TooSlow(limit)),
        Err(RecvTimeoutError::Disconnected) => Err(HclFailure::Crashed),
    }
}

/// The load error of an HCL text that did not parse.
pub(crate) fn hcl_failure(display: &str, text: &str, failure: &HclFailure) -> LoadError {
    let message = match failure {
        HclFailure::Syntax(e) => return parse_error(display, text, e),
        HclFailure::TooSlow(limit) => format!(
            "HCL parse gave up after {} s (limit hcl-parse-seconds): the parser backtracks \
             through every nesting level of a file that fails to parse, such as one whose \
             brackets are left open",
            limit.as_secs()
        ),
        HclFailure::Crashed => {
            "internal error of the HCL parser on this file; please report it".to_string()
        }
    };
    LoadError {
        file: display.to_string(),
        line: None,
        column: None,
        message,
        file_skipped: true,
    }
}

/// A parse error with the parser's own reason, at its line and column. An error at the end of
/// the file gets a hint: it almost always means a block or bracket was left open.
fn parse_error(display: &str, text: &str, e: &hcl_edit::parser::Error) -> LoadError {
    let loc = e.location();
    let at_end = loc.offset() >= text.trim_end().len();
    let hint = if at_end {
        " (the file ends here: is a block, bracket or string left open?)"
    } else {
        ""
    };
    LoadError {
        file: display.to_string(),
        line: Some(u32::try_from(loc.line()).unwrap_or(u32::MAX)),
        column: Some(u32::try_from(loc.column()).unwrap_or(u32::MAX)),
        message: format!("HCL parse error: {}{hint}", e.message()),
        file_skipped: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Objects opened after operators, `depth` deep, never closed, with their closing
    /// brackets in a comment (so the brackets of the text balance).
    fn backtracking(depth: usize) -> String {
        let mut text = "e = z + z + {\n".repeat(depth);
        text.push_str(&format!("# {}\n", "}".repeat(depth)));
        text
    }

    #[test]
    fn a_parse_over_the_limit_is_given_up_and_the_next_parse_gets_a_new_thread() {
        // 16 levels take about 0.1 s in a release build (twice that per level more), far
        // longer in this one; the abandoned parse runs on beside the other tests until done.
        let slow = backtracking(16);
        let limit = Duration::from_millis(20);
        match parse_hcl(&slow, limit) {
            Err(HclFailure::TooSlow(given)) => assert_eq!(given, limit),
            Err(HclFailure::Syntax(e)) => panic!("parsed quickly after all: {e}"),
            Err(HclFailure::Crashed) => panic!("the parser crashed"),
            Ok(_) => panic!("parsed"),
        }
        // The abandoned thread is busy; this parse goes to another and succeeds.
        let body = parse_hcl("a = 1\nb = { c = [1, 2] }\n", Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("a valid text did not parse"));
        assert_eq!(body.len(), 2);
        // Errors come back with their place, and the thread serves the next text too.
        let Err(HclFailure::Syntax(e)) = parse_hcl("a = \n", Duration::from_secs(10)) else {
            panic!("a syntax error was not reported as one");
        };
        let error = hcl_failure("x.tf", "a = \n", &HclFailure::Syntax(e));
        assert!(error.line.is_some() && error.message.starts_with("HCL parse error"));
        assert!(parse_hcl("b = 2\n", Duration::from_secs(10)).is_ok());
    }
}
