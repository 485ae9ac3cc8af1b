//! Sharding: a stable partition of a scan (`--shard I/N`) so that N machines can share it.
//!
//! Every shard loads the whole tree, so each resource is evaluated against the same resource
//! graph as in a single run (references across files, Terraform module calls and cross-object
//! Kubernetes rules see everything). What a shard *reports* is only its part: the resources
//! of the files it owns (a live resource: the resource it owns), and the load errors of those
//! files. A file belongs to shard `sha256(path) mod N`, so its shard depends on its path alone:
//! adding or removing other files never moves it. `tenet merge` ([`crate::merge`]) joins the
//! shards' results into exactly the report and evidence bundle of a single run.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Most shards one run may be split into.
pub const MAX_SHARDS: u32 = 10_000;

/// One part of a sharded run: `index` of `count` (0-based, as Kubernetes Indexed Jobs number
/// their pods in `JOB_COMPLETION_INDEX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Does this shard own the file or live resource named `key` (a display path or a
    /// resource id)?
    pub fn owns(&self, key: &str) -> bool {
        shard_of(key, self.count) == self.index
    }
}

/// The shard (of `count`) that owns `key`.
pub fn shard_of(key: &str, count: u32) -> u32 {
    let digest = Sha256::digest(key.as_bytes());
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    let n = u64::from(count.max(1));
    // The remainder is below `count`, a u32.
    u32::try_from(u64::from_be_bytes(head) % n).unwrap_or(0)
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// `I/N` could not be read as a shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid shard `{given}`: {reason} (write I/N with 0 <= I < N <= {MAX_SHARDS}, such as 0/4)"
)]
pub struct ShardError {
    given: String,
    reason: &'static str,
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let err = |reason| ShardError {
            given: s.to_string(),
            reason,
        };
        let (i, n) = s.split_once('/').ok_or_else(|| err("no `/`"))?;
        let index: u32 = i.trim().parse().map_err(|_| err("I is not a number"))?;
        let count: u32 = n.trim().parse().map_err(|_| err("N is not a number"))?;
        if count == 0 || count > MAX_SHARDS {
            return Err(err("N is out of range"));
        }
        if index >= count {
            return Err(err("I must be below N (shards are numbered from 0)"));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(" 0 / 1 ".parse(), Ok(Shard { index: 0, count: 1 }));
        for bad in ["4/4", "1", "a/2", "1/0", "0/10001", "-1/3", ""] {
            let e = bad.parse::<Shard>().unwrap_err().to_string();
            assert!(e.contains(&format!("`{bad}`")), "{e}");
        }
    }

    #[test]
    fn every_key_has_exactly_one_owner() {
        for count in [1, 2, 3, 7] {
            for key in ["main.tf", "a/b/c.yaml", "aws:arn:aws:s3:::b", ""] {
                let owners = (0..count)
                    .filter(|&index| Shard { index, count }.owns(key))
                    .count();
                assert_eq!(owners, 1, "{key} of {count}");
            }
        }
    }

    #[test]
    fn stable_and_spread() {
        // The owner depends on the key alone: a fixed value, whatever else is scanned.
        assert_eq!(shard_of("main.tf", 4), shard_of("main.tf", 4));
        let keys: Vec<String> = (0..4000)
            .map(|i| format!("dir{}/file{i}.tf", i % 37))
            .collect();
        let mut per = [0usize; 4];
        for k in &keys {
            per[shard_of(k, 4) as usize] += 1;
        }
        // Within 10 % of an even split.
        assert!(per.iter().all(|&n| (900..=1100).contains(&n)), "{per:?}");
    }
}
