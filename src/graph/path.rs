//! Attribute paths: the string form that `unknown`, `source.attributes`, `refs` and a rule's
//! `attribute` share. Identifier keys join with `.`, other keys are quoted in brackets, list
//! elements are indexed: `ingress[0].cidr_blocks`, `tags["kubernetes.io/role"]`.

use std::fmt::Write;

/// A builder for attribute paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttrPath(String);

impl AttrPath {
    /// The empty path (the resource itself).
    pub fn root() -> Self {
        AttrPath(String::new())
    }

    /// This path extended by an object key.
    pub fn key(&self, key: &str) -> AttrPath {
        let mut p = self.clone();
        p.push_key(key);
        p
    }

    /// This path extended by a list index.
    pub fn index(&self, i: usize) -> AttrPath {
        let mut p = self.clone();
        p.push_index(i);
        p
    }

    /// Extends this path by an object key, in place.
    pub fn push_key(&mut self, key: &str) {
        let s = &mut self.0;
        if is_identifier(key) {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(key);
        } else {
            s.push('[');
            // serde_json quoting gives a well-defined escape of any key.
            s.push_str(&serde_json::to_string(key).unwrap_or_else(|_| format!("{key:?}")));
            s.push(']');
        }
    }

    /// Extends this path by a list index, in place.
    pub fn push_index(&mut self, i: usize) {
        let _ = write!(self.0, "[{i}]");
    }

    /// Length of the string form, to [`AttrPath::truncate`] back to after a `push_`.
    pub fn text_len(&self) -> usize {
        self.0.len()
    }

    /// Cuts the path back to a length [`AttrPath::text_len`] gave.
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for AttrPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The path itself and each of its ancestors, longest first:
/// `a[0].b` gives `a[0].b`, `a[0]`, `a`.
pub fn parent_paths(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(path);
    std::iter::from_fn(move || {
        let current = next?;
        next = parent(current);
        Some(current)
    })
    .filter(|p| !p.is_empty())
}

fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    if path.ends_with(']') {
        // Find the matching '[' that is not inside a quoted key.
        let bytes = path.as_bytes();
        let mut in_string = false;
        let mut i = bytes.len() - 1;
        while i > 0 {
            i -= 1;
            match bytes[i] {
                b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
                b'[' if !in_string => return Some(&path[..i]),
                _ => {}
            }
        }
        return Some("");
    }
    match path.rfind(['.', ']']) {
        Some(i) if path.as_bytes()[i] == b'.' => Some(&path[..i]),
        Some(i) => Some(&path[..=i]),
        None => Some(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_paths() {
        let p = AttrPath::root().key("ingress").index(0).key("cidr_blocks");
        assert_eq!(p.as_str(), "ingress[0].cidr_blocks");
        let t = AttrPath::root().key("tags").key("kubernetes.io/role");
        assert_eq!(t.as_str(), "tags[\"kubernetes.io/role\"]");
        assert_eq!(AttrPath::root().key("a-b").as_str(), "a-b");
        assert_eq!(AttrPath::root().key("0x").as_str(), "[\"0x\"]");
    }

    #[test]
    fn walks_parents() {
        let all: Vec<_> = parent_paths("a[0].b").collect();
        assert_eq!(all, vec!["a[0].b", "a[0]", "a"]);
        let quoted: Vec<_> = parent_paths("tags[\"x.y[1]\"].z").collect();
        assert_eq!(
            quoted,
            vec!["tags[\"x.y[1]\"].z", "tags[\"x.y[1]\"]", "tags"]
        );
        assert_eq!(parent_paths("").count(), 0);
    }
}
