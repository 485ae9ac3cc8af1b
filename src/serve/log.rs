//! Structured logs: one JSON object per line on standard output, as log collectors in a
//! cluster expect (`ts`, `level`, `msg`, then the event's fields).

use std::io::Write;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Writes one log line. `fields` should be a JSON object; other values go under `data`.
pub fn emit(level: Level, msg: &str, fields: Value) {
    let mut line = Map::new();
    line.insert(
        "ts".into(),
        Value::String(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    );
    line.insert("level".into(), Value::String(level.as_str().into()));
    line.insert("msg".into(), Value::String(msg.into()));
    match fields {
        Value::Object(m) => line.extend(m),
        Value::Null => {}
        other => {
            line.insert("data".into(), other);
        }
    }
    let mut text = Value::Object(line).to_string();
    text.push('\n');
    // A closed or full stdout must not take the server down.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

pub fn info(msg: &str, fields: Value) {
    emit(Level::Info, msg, fields);
}

pub fn warn(msg: &str, fields: Value) {
    emit(Level::Warn, msg, fields);
}

pub fn error(msg: &str, fields: Value) {
    emit(Level::Error, msg, fields);
}
