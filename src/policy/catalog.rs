//! Framework catalogs (`frameworks/<id>.yaml`): which controls a framework has, in our own
//! words, and which of them a machine can check. The mapping of rules to controls lives in
//! each rule's metadata; a catalog only says which control ids exist.

use serde::{Deserialize, Serialize};

use super::PolicyError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub id: String,
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// Whether rules check this control; `false` controls need manual evidence.
    pub automated: bool,
}

impl Catalog {
    /// Parses a catalog file; errors carry the file and line.
    pub fn parse(file: &str, text: &str) -> Result<Catalog, PolicyError> {
        let catalog: Catalog = yaml_serde::from_str(text).map_err(|e| PolicyError::Invalid {
            file: file.to_string(),
            line: e
                .location()
                .map_or(1, |l| u32::try_from(l.line()).unwrap_or(1)),
            message: format!("invalid framework catalog: {e}"),
        })?;
        let mut seen = std::collections::HashSet::new();
        for c in &catalog.controls {
            if !seen.insert(c.id.as_str()) {
                let line = text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| {
                        l.contains(&format!("id: {}", c.id))
                            || l.contains(&format!("id: \"{}\"", c.id))
                    })
                    .nth(1)
                    .map_or(1, |(i, _)| u32::try_from(i + 1).unwrap_or(1));
                return Err(PolicyError::Invalid {
                    file: file.to_string(),
                    line,
                    message: format!("control `{}` is listed twice", c.id),
                });
            }
        }
        Ok(catalog)
    }

    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_duplicates() {
        let text = "id: x\nname: X\nversion: '1'\ncontrols:\n  - id: A.1\n    title: a\n    automated: true\n";
        let c = Catalog::parse("x.yaml", text).unwrap();
        assert!(c.control("A.1").unwrap().automated);
        let dup = format!("{text}  - id: A.1\n    title: b\n    automated: false\n");
        let err = Catalog::parse("x.yaml", &dup).unwrap_err();
        assert_eq!(err.to_string(), "x.yaml:8: control `A.1` is listed twice");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = "id: x\nname: X\nversion: '1'\ncontrols:\n  - id: A.1\n    titel: a\n    automated: true\n";
        let err = Catalog::parse("x.yaml", text).unwrap_err();
        assert!(err.to_string().contains("titel"), "{err}");
    }
}
