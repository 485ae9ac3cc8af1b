//! [`Regions`]: the source region of every attribute path of one file resource, front-coded.
//!
//! A resource's paths share long prefixes (`spec.template.spec.containers[0].…`). As a
//! `BTreeMap<String, Region>` each path cost about 90 bytes: its own allocation, the key and
//! the region in a B-tree node. Here the paths, in order, are one byte buffer. Each entry is
//! the number of bytes its path shares with the path before, the length and bytes of the rest,
//! then the region, all as variable-length integers: about 15 bytes an entry on the corpus'
//! Kubernetes manifests. Every [`RESTART`]th entry shares nothing, so a binary search over
//! those entries finds the one block of at most [`RESTART`] entries a path can be in.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use super::Region;

/// Entries between two that share nothing with the path before them.
const RESTART: usize = 16;

/// Attribute path → [`Region`], ordered by path (byte order, as `BTreeMap<String, _>`).
///
/// Immutable once built, and shared by its clones: a Bicep module's resources have the
/// same regions at every call of the module.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Regions {
    /// The entries, in path order.
    bytes: std::sync::Arc<[u8]>,
    /// Offset in `bytes` of entries 0, [`RESTART`], 2 × [`RESTART`], ...
    restarts: std::sync::Arc<[usize]>,
    len: usize,
}

impl Regions {
    /// Regions from `(path, region)` pairs sorted by path, each path once.
    pub(super) fn from_sorted<'a>(entries: impl IntoIterator<Item = (&'a str, Region)>) -> Regions {
        let mut bytes = Vec::new();
        let mut restarts = Vec::new();
        let mut previous: &[u8] = &[];
        let mut len = 0;
        for (path, region) in entries {
            let path = path.as_bytes();
            debug_assert!(
                len == 0 || previous < path,
                "paths must be sorted and distinct"
            );
            let shared = if len % RESTART == 0 {
                restarts.push(bytes.len());
                0
            } else {
                previous
                    .iter()
                    .zip(path)
                    .take_while(|(a, b)| a == b)
                    .count()
            };
            let rest = &path[shared..];
            put(&mut bytes, shared as u64);
            put(&mut bytes, rest.len() as u64);
            bytes.extend_from_slice(rest);
            put(&mut bytes, region.start_line.into());
            put(&mut bytes, region.start_column.into());
            let lines = i64::from(region.end_line) - i64::from(region.start_line);
            put(&mut bytes, ((lines << 1) ^ (lines >> 63)) as u64);
            put(&mut bytes, region.end_column.into());
            previous = path;
            len += 1;
        }
        Regions {
            bytes: bytes.into(),
            restarts: restarts.into(),
            len,
        }
    }

    /// How many paths have a region.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The region of attribute path `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<Region> {
        let path = path.as_bytes();
        // The block to scan starts at the last restart whose path is not after `path`.
        let block = self
            .restarts
            .partition_point(|&at| Entries::restart_path(&self.bytes, at) <= path);
        let start = *self.restarts.get(block.checked_sub(1)?)?;
        let end = self
            .restarts
            .get(block)
            .copied()
            .unwrap_or(self.bytes.len());
        let mut entries = Entries::new(&self.bytes[..end], start);
        while let Some(region) = entries.advance() {
            match entries.path.as_slice().cmp(path) {
                Ordering::Equal => return Some(region),
                Ordering::Greater => return None,
                Ordering::Less => {}
            }
        }
        None
    }

    /// Every `(path, region)`, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (String, Region)> + '_ {
        let mut entries = Entries::new(&self.bytes, 0);
        std::iter::from_fn(move || {
            let region = entries.advance()?;
            Some((String::from_utf8_lossy(&entries.path).into_owned(), region))
        })
    }
}

/// A cursor over encoded entries, holding the path of the last one read.
struct Entries<'a> {
    bytes: &'a [u8],
    at: usize,
    path: Vec<u8>,
}

impl<'a> Entries<'a> {
    fn new(bytes: &'a [u8], at: usize) -> Self {
        Entries {
            bytes,
            at,
            path: Vec::new(),
        }
    }

    /// The path of the entry at restart offset `at` (it shares nothing, so it is whole).
    fn restart_path(bytes: &[u8], mut at: usize) -> &[u8] {
        let _shared = take(bytes, &mut at);
        let len = take(bytes, &mut at) as usize;
        &bytes[at..at + len]
    }

    /// Reads the next entry: its path into `self.path`, its region returned.
    fn advance(&mut self) -> Option<Region> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let b = self.bytes;
        let shared = take(b, &mut self.at) as usize;
        let len = take(b, &mut self.at) as usize;
        self.path.truncate(shared);
        self.path.extend_from_slice(&b[self.at..self.at + len]);
        self.at += len;
        let start_line = take(b, &mut self.at) as u32;
        let start_column = take(b, &mut self.at) as u32;
        let lines = take(b, &mut self.at) as i64;
        let lines = (lines >> 1) ^ -(lines & 1);
        let end_column = take(b, &mut self.at) as u32;
        Some(Region {
            start_line,
            start_column,
            end_line: (i64::from(start_line) + lines) as u32,
            end_column,
        })
    }
}

/// Appends `v` as LEB128: seven bits a byte, low bits first, the high bit set on all but the
/// last.
fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 integer written by [`put`] at `*at`, moving `*at` past it.
fn take(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = bytes[*at];
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return v;
        }
        shift += 7;
    }
}

impl From<BTreeMap<String, Region>> for Regions {
    fn from(map: BTreeMap<String, Region>) -> Self {
        Regions::from_sorted(map.iter().map(|(path, region)| (path.as_str(), *region)))
    }
}

impl<S: AsRef<str>> FromIterator<(S, Region)> for Regions {
    /// In any order; of a repeated path, the last region counts (as `BTreeMap::insert`).
    fn from_iter<I: IntoIterator<Item = (S, Region)>>(iter: I) -> Self {
        let mut builder = RegionsBuilder::default();
        for (path, region) in iter {
            builder.push(path.as_ref(), region);
        }
        builder.finish()
    }
}

/// Gathers `(path, region)` pairs in any order into [`Regions`]. The paths are appended to
/// one buffer as they come (a loader walking a 1 MB manifest meets tens of thousands), rather
/// than each allocated on its own and sorted in a map before encoding.
#[derive(Default)]
pub struct RegionsBuilder {
    paths: String,
    /// Each entry's path (a range of `paths`) and region, in the order pushed.
    entries: Vec<(usize, usize, Region)>,
}

impl RegionsBuilder {
    /// Adds `path`; of a path pushed twice, the later region counts (as `BTreeMap::insert`).
    pub fn push(&mut self, path: &str, region: Region) {
        let start = self.paths.len();
        self.paths.push_str(path);
        self.entries.push((start, self.paths.len(), region));
    }

    pub fn finish(mut self) -> Regions {
        let paths = self.paths.as_str();
        let path = |&(start, end, _): &(usize, usize, Region)| &paths[start..end];
        // Stable: of equal paths, the later pushed stays later and is the one kept.
        self.entries.sort_by(|a, b| path(a).cmp(path(b)));
        let entries = &self.entries;
        Regions::from_sorted(
            entries
                .iter()
                .enumerate()
                .filter(|&(i, e)| entries.get(i + 1).is_none_or(|next| path(next) != path(e)))
                .map(|(_, e)| (path(e), e.2)),
        )
    }
}

impl fmt::Debug for Regions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(n: u32) -> Region {
        Region {
            start_line: n,
            start_column: n % 7,
            end_line: n + n % 3,
            end_column: n % 5 + 1,
        }
    }

    /// Paths with long shared prefixes, multi-byte characters that share a first byte but not
    /// a character, and a path that is a prefix of the next.
    fn sample(n: u32) -> BTreeMap<String, Region> {
        (0..n)
            .flat_map(|i| {
                [
                    format!("spec.template.spec.containers[{i}].image"),
                    format!("spec.template.spec.containers[{i}]"),
                    format!("metadata.labels.é{i}"),
                    format!("metadata.labels.è{i}"),
                ]
            })
            .enumerate()
            .map(|(k, p)| (p, region(k as u32 * 37)))
            .collect()
    }

    #[test]
    fn every_path_finds_its_region_and_absent_paths_find_none() {
        for n in [0, 1, 4, 5, 16, 17, 40, 300] {
            let map = sample(n);
            let regions = Regions::from(map.clone());
            assert_eq!(regions.len(), map.len());
            for (path, r) in &map {
                assert_eq!(regions.get(path), Some(*r), "{path} of {n}");
                for absent in [
                    format!("{path}x"),
                    format!("{path}."),
                    path[..path.len() - 1].to_string(),
                ] {
                    assert_eq!(regions.get(&absent), map.get(&absent).copied(), "{absent}");
                }
            }
            for absent in [
                "",
                "a",
                "zzz",
                "metadata",
                "spec.template.spec.containers[",
                "\u{10ffff}",
            ] {
                assert_eq!(regions.get(absent), map.get(absent).copied(), "{absent:?}");
            }
            let back: Vec<(String, Region)> = regions.iter().collect();
            assert_eq!(back, map.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn lines_going_backwards_and_large_numbers_survive() {
        let odd = Region {
            start_line: u32::MAX,
            start_column: u32::MAX,
            end_line: 0,
            end_column: u32::MAX,
        };
        let regions: Regions = [("a", odd), ("b", Region::default())].into_iter().collect();
        assert_eq!(regions.get("a"), Some(odd));
        assert_eq!(regions.get("b"), Some(Region::default()));
    }

    #[test]
    fn the_last_of_a_repeated_path_counts() {
        let regions: Regions = [("a", region(1)), ("a", region(2))].into_iter().collect();
        assert_eq!(regions.len(), 1);
        assert_eq!(regions.get("a"), Some(region(2)));
    }

    /// Pushed in any order, with repeats, the builder gives what inserting into a map gives.
    #[test]
    fn the_builder_equals_a_map_filled_in_the_same_order() {
        let paths: Vec<(String, Region)> = sample(40).into_iter().collect();
        // Reversed, interleaved with a second pass whose regions differ (the later wins).
        let mut pushed: Vec<(String, Region)> = Vec::new();
        for (i, (p, r)) in paths.iter().rev().enumerate() {
            pushed.push((p.clone(), *r));
            if i % 3 == 0 {
                pushed.push((p.clone(), region(i as u32 + 1000)));
            }
        }
        pushed.extend(paths.iter().step_by(5).map(|(p, _)| (p.clone(), region(7))));
        let mut map = BTreeMap::new();
        let mut builder = RegionsBuilder::default();
        for (p, r) in &pushed {
            map.insert(p.clone(), *r);
            builder.push(p, *r);
        }
        let built = builder.finish();
        assert_eq!(built, Regions::from(map.clone()));
        assert_eq!(
            built.iter().collect::<Vec<_>>(),
            map.into_iter().collect::<Vec<_>>()
        );
    }

    #[test]
    fn front_coding_is_far_smaller_than_the_paths() {
        let map = sample(300);
        let text: usize = map.keys().map(String::len).sum();
        let regions = Regions::from(map);
        assert!(
            regions.bytes.len() * 2 < text,
            "{} bytes for {text} bytes of paths",
            regions.bytes.len()
        );
    }
}
