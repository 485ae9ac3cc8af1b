//! The configurable bounds on what one input may cost a scan: each has a name, a default and
//! a reason, and is set with `--limit NAME=VALUE` or under `limits:` in `.tenet.yaml`
//! (`docs/robustness.md` lists them with the bounds that are fixed, and why those are).
//!
//! The bounds that protect the stack (nesting depths) are not here: raising them could turn
//! a reported error into a crash.

use std::time::Duration;

/// Bounds on loading and evaluation, as set (defaults, then the configuration, then flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Larger files are reported rather than read (`--max-file-size`).
    pub file_bytes: u64,
    /// Longest the HCL parse of one file may take: hcl-edit's parser backtracks through every
    /// nesting level of a file that fails to parse and cannot be interrupted, so each parse
    /// runs on a parse thread and is given up after this long.
    pub hcl_parse: Duration,
    /// Values the aliases of one YAML document may expand to (an alias bomb is reported).
    pub yaml_alias_values: usize,
    /// Instances of one Terraform block (`count`, `for_each`); also the module instances
    /// expanded under one root module (all levels together).
    pub terraform_instances: usize,
    /// Resources one Terraform root module may yield; the rest are reported.
    pub terraform_resources: usize,
    /// Longest one rule may evaluate on one batch of resources (`--rule-timeout`).
    pub rule_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: crate::load::text::DEFAULT_MAX_FILE_BYTES,
            hcl_parse: Duration::from_secs(10),
            yaml_alias_values: crate::load::kubernetes::yaml::MAX_ALIAS_NODES,
            terraform_instances: 10_000,
            terraform_resources: 200_000,
            rule_time: Duration::from_secs(60),
        }
    }
}

/// One settable limit: its name and what it bounds (the unit is in the name).
pub struct LimitName {
    pub name: &'static str,
    pub bounds: &'static str,
}

/// Every name [`Limits::set`] takes, in the order documented.
pub const NAMES: &[LimitName] = &[
    LimitName {
        name: "file-bytes",
        bounds: "size of any input file (larger files are reported, not read)",
    },
    LimitName {
        name: "hcl-parse-seconds",
        bounds: "time to parse one HCL file",
    },
    LimitName {
        name: "yaml-alias-values",
        bounds: "values the aliases of one YAML document expand to",
    },
    LimitName {
        name: "terraform-instances",
        bounds: "instances of one Terraform block (count, for_each), and module instances under one root module",
    },
    LimitName {
        name: "terraform-resources",
        bounds: "resources one Terraform root module yields",
    },
    LimitName {
        name: "rule-seconds",
        bounds: "time one rule may evaluate on one batch of resources",
    },
];

impl Limits {
    /// Sets limit `name` to `value` (at least 1).
    pub fn set(&mut self, name: &str, value: u64) -> Result<(), String> {
        if value == 0 {
            return Err(format!("limit {name} must be at least 1"));
        }
        let count = usize::try_from(value).unwrap_or(usize::MAX);
        match name {
            "file-bytes" => self.file_bytes = value,
            "hcl-parse-seconds" => self.hcl_parse = Duration::from_secs(value),
            "yaml-alias-values" => self.yaml_alias_values = count,
            "terraform-instances" => self.terraform_instances = count,
            "terraform-resources" => self.terraform_resources = count,
            "rule-seconds" => self.rule_time = Duration::from_secs(value),
            _ => {
                return Err(format!(
                    "unknown limit {name:?} (known: {})",
                    NAMES.iter().map(|n| n.name).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The value of limit `name`, in its unit; `None` for an unknown name.
    pub fn get(&self, name: &str) -> Option<u64> {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Some(match name {
            "file-bytes" => self.file_bytes,
            "hcl-parse-seconds" => self.hcl_parse.as_secs(),
            "yaml-alias-values" => count(self.yaml_alias_values),
            "terraform-instances" => count(self.terraform_instances),
            "terraform-resources" => count(self.terraform_resources),
            "rule-seconds" => self.rule_time.as_secs(),
            _ => return None,
        })
    }

    /// Applies `(NAME, VALUE)` settings in order (the last one of a name wins); the first
    /// that fails gives its name and why.
    pub fn with<'s>(
        mut self,
        settings: impl IntoIterator<Item = (&'s str, u64)>,
    ) -> Result<Limits, (&'s str, String)> {
        for (name, value) in settings {
            self.set(name, value).map_err(|e| (name, e))?;
        }
        Ok(self)
    }
}

/// Parses `NAME=VALUE` (a `--limit` argument): a known name and a whole number of at least 1.
pub fn parse_setting(s: &str) -> Result<(String, u64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, got {s:?}"))?;
    let name = name.trim();
    let value: u64 = value
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("limit {name}: {value:?} is not a whole number"))?;
    Limits::default().set(name, value)?;
    Ok((name.to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_sets_and_reads_back_its_own_limit() {
        for (i, n) in NAMES.iter().enumerate() {
            let mut limits = Limits::default();
            let value = 7 + i as u64;
            limits.set(n.name, value).unwrap();
            assert_eq!(limits.get(n.name), Some(value), "{}", n.name);
            // No other limit moved.
            for other in NAMES.iter().filter(|o| o.name != n.name) {
                assert_eq!(
                    limits.get(other.name),
                    Limits::default().get(other.name),
                    "{} changed by {}",
                    other.name,
                    n.name
                );
            }
        }
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(
            parse_setting("hcl-parse-seconds=30"),
            Ok(("hcl-parse-seconds".into(), 30))
        );
        assert_eq!(
            parse_setting(" yaml-alias-values = 1_000_000"),
            Ok(("yaml-alias-values".into(), 1_000_000))
        );
        assert!(
            parse_setting("hcl-parse-seconds")
                .unwrap_err()
                .contains("NAME=VALUE")
        );
        assert!(
            parse_setting("hcl-parse-seconds=0")
                .unwrap_err()
                .contains("at least 1")
        );
        assert!(
            parse_setting("hcl-parse-seconds=ten")
                .unwrap_err()
                .contains("whole number")
        );
        let unknown = parse_setting("parse-seconds=3").unwrap_err();
        assert!(unknown.contains("unknown limit") && unknown.contains("hcl-parse-seconds"));
    }

    #[test]
    fn later_settings_win_and_a_failing_one_is_named() {
        let limits = Limits::default()
            .with([("rule-seconds", 5), ("rule-seconds", 9)])
            .unwrap();
        assert_eq!(limits.rule_time, Duration::from_secs(9));
        let (name, why) = Limits::default()
            .with([("rule-seconds", 5), ("file-byte", 9)])
            .unwrap_err();
        assert_eq!(name, "file-byte");
        assert!(why.contains("unknown limit"), "{why}");
    }
}
