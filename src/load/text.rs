//! Reading source files safely and turning byte offsets into lines and columns.

use std::ops::Range;
use std::path::Path;

use crate::graph::{LoadError, Region};

/// Files larger than this are reported instead of read (see `--max-file-size`).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a text file, refusing oversized files and invalid UTF-8 with a located error.
pub fn read_source(path: &Path, display: &str, max_bytes: u64) -> Result<String, LoadError> {
    let err = |line: Option<u32>, column: Option<u32>, message: String| LoadError {
        file: display.to_string(),
        line,
        column,
        message,
        file_skipped: true,
    };
    use std::io::Read;
    let cannot_read = |e: std::io::Error| err(None, None, format!("cannot read: {e}"));
    // One open and the size from the open file: a scan reads thousands of small files, and
    // looking each path up twice (size, then contents) was a tenth of a Bicep scan's reading.
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > max_bytes {
        return Err(err(
            None,
            None,
            format!("file is {size} bytes, above the limit of {max_bytes} bytes"),
        ));
    }
    // A file that grows while it is read stops at the limit (and is then refused below). The
    // buffer is the file's size exactly: `read_to_end` probes for the end without growing it,
    // and texts a loader keeps are not rounded up to the next allocation size.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.by_ref()
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > max_bytes {
        return Err(err(
            None,
            None,
            format!("file grew past the limit of {max_bytes} bytes while it was read"),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.replace_range(..3, "");
            }
            Ok(s)
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let index = LineIndex::new(std::str::from_utf8(valid).unwrap_or_default());
            let (line, column) = index.line_col(valid.len());
            Err(err(
                Some(line),
                Some(column),
                "file is not valid UTF-8 text".to_string(),
            ))
        }
    }
}

/// Maps byte offsets of one text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::borrow::Cow<'a, [usize]>,
}

/// The byte offset where each line of `text` starts.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: line_starts(text).into(),
        }
    }

    /// The index of `text` from its [`line_starts`], computed before (a template evaluated
    /// once per call keeps them).
    pub fn with_starts(text: &'a str, starts: &'a [usize]) -> Self {
        LineIndex {
            text,
            starts: starts.into(),
        }
    }

    /// 1-based line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self.text[start..offset].chars().count();
        (to_u32(line + 1), to_u32(column + 1))
    }

    /// The region of a byte range; the end column points at the last character.
    pub fn region(&self, span: &Range<usize>) -> Region {
        let (start_line, start_column) = self.line_col(span.start);
        let end = span.end.max(span.start + 1) - 1;
        let (end_line, end_column) = self.line_col(end);
        Region {
            start_line,
            start_column,
            end_line,
            end_column: end_column.max(1),
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let idx = LineIndex::new("ab\ncdé\n\nx");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(1), (1, 2));
        assert_eq!(idx.line_col(3), (2, 1));
        // é is two bytes, x after it on the same line counts as column 4
        assert_eq!(idx.line_col(7), (2, 4));
        assert_eq!(idx.line_col(8), (3, 1));
        assert_eq!(idx.line_col(9), (4, 1));
        assert_eq!(idx.line_col(999), (4, 2));
        let r = idx.region(&(3..7));
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (2, 1, 2, 3)
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.tf");
        std::fs::write(&p, b"a = 1\nb = \"\xff\"\n").unwrap();
        let err = read_source(&p, "bad.tf", 1000).unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(6)));
        assert!(err.message.contains("UTF-8"));
    }

    #[test]
    fn oversized_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.tf");
        std::fs::write(&p, "x".repeat(100)).unwrap();
        let err = read_source(&p, "big.tf", 10).unwrap_err();
        assert!(err.message.contains("above the limit"));
    }
}
