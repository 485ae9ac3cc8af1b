//! The resource graph: the one contract between loaders and policies.
//!
//! Every loader (Terraform, Bicep, ARM, Kubernetes, live inventory) produces [`Resource`]s in
//! this shape, and every rule reads them (`input.resources[i]` and `data.inventory`). This
//! module knows nothing about Rego, files on disk or reports; it is plain data plus the few
//! helpers that keep ids and attribute paths uniform. The JSON form is documented in
//! `docs/resource-graph.md` and versioned by [`SCHEMA_VERSION`].

mod path;
mod regions;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

pub use path::{AttrPath, parent_paths};
pub use regions::{Regions, RegionsBuilder};

/// Version of the JSON shape of [`Resource`] and [`ResourceGraph`]. Bumped on any change a
/// policy could notice (renamed or removed fields, changed encodings); additions that old
/// policies can ignore keep the version.
pub const SCHEMA_VERSION: &str = "1";

/// Where a resource came from: which loader built it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Terraform HCL (`.tf`, `.tf.json`).
    Terraform,
    /// Terraform plan JSON (`terraform show -json`).
    Tfplan,
    /// Bicep templates.
    Bicep,
    /// ARM JSON templates.
    Arm,
    /// Kubernetes manifests or admission requests.
    Kubernetes,
    /// Live cloud or cluster inventory.
    Live,
}

impl Origin {
    /// The prefix of resource ids built by this origin.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Terraform => "terraform",
            Origin::Tfplan => "tfplan",
            Origin::Bicep => "bicep",
            Origin::Arm => "arm",
            Origin::Kubernetes => "kubernetes",
            Origin::Live => "live",
        }
    }
}

/// The kind of Terraform (or template) block a resource stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A managed resource (`resource` block, ARM resource, Kubernetes object).
    Managed,
    /// A data source (`data` block): read, not created.
    Data,
    /// A module call (`module` block).
    Module,
    /// A provider configuration (`provider` block).
    Provider,
    /// A root or module output (`output` block).
    Output,
}

impl Mode {
    /// The name in the graph's JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
            Mode::Module => "module",
            Mode::Provider => "provider",
            Mode::Output => "output",
        }
    }
}

/// Account, region and namespace the resource lives in, where the source says so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub account: Option<String>,
    pub region: Option<String>,
    pub namespace: Option<String>,
}

/// An edge to another resource: the value of `attribute` refers to resource `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ref {
    /// Attribute path on the referring resource (`bucket`, `ingress[0].security_groups`), or
    /// `depends_on` for explicit dependencies.
    pub attribute: String,
    /// Id of the referenced resource (shared by the edges to it where a loader can).
    pub to: std::sync::Arc<str>,
    /// The attribute's whole value is this reference (`bucket = aws_s3_bucket.b.id`, also
    /// `"${aws_s3_bucket.b.id}"` or `each.value.id` over that resource): the value comes from
    /// the target. Otherwise the target is one part of a larger expression (a conditional, a
    /// function call, a list) and the value may not involve it at all.
    pub direct: bool,
}

/// A span of text in a source file: 1-based lines and columns, end inclusive of its line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// Where a resource came from in a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSource {
    /// Path relative to the working directory (or absolute when outside it), `/`-separated.
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    /// Region of each attribute and nested block, keyed by attribute path; used to point
    /// findings at exact columns. Loaders that know lines only (ARM, plan JSON) give regions
    /// of one line with columns 0. The JSON contract keeps the lines only: `attributes`, the
    /// start line of each path.
    #[serde(
        rename = "attributes",
        serialize_with = "start_lines",
        deserialize_with = "line_regions"
    )]
    pub regions: Regions,
    /// For resources inside a module: where the module was called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_site: Option<std::sync::Arc<CallSite>>,
    #[serde(skip)]
    pub block: Region,
}

impl Region {
    /// Line `line`, columns unknown (0).
    pub fn line(line: u32) -> Region {
        Region {
            start_line: line,
            start_column: 0,
            end_line: line,
            end_column: 0,
        }
    }
}

fn start_lines<S: serde::Serializer>(regions: &Regions, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(regions.iter().map(|(path, r)| (path, r.start_line)))
}

fn line_regions<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Regions, D::Error> {
    let lines = BTreeMap::<String, u32>::deserialize(d)?;
    Ok(lines_to_regions(lines))
}

/// Regions of one line each, for loaders that know only the line of each attribute path.
pub fn lines_to_regions(lines: BTreeMap<String, u32>) -> Regions {
    Regions::from_sorted(
        lines
            .iter()
            .map(|(path, &line)| (path.as_str(), Region::line(line))),
    )
}

impl FileSource {
    /// The source of a block at `block` whose attributes are at `regions`.
    pub fn from_regions(
        file: String,
        block: Region,
        regions: impl Into<Regions>,
        call_site: Option<std::sync::Arc<CallSite>>,
    ) -> Self {
        FileSource {
            file,
            start_line: block.start_line,
            end_line: block.end_line,
            call_site,
            regions: regions.into(),
            block,
        }
    }

    /// The start line of every attribute path (the JSON form's `attributes`).
    pub fn lines(&self) -> BTreeMap<String, u32> {
        self.regions
            .iter()
            .map(|(path, r)| (path, r.start_line))
            .collect()
    }

    /// The start line of attribute path `path`, when the loader recorded one.
    pub fn line(&self, path: &str) -> Option<u32> {
        self.regions.get(path).map(|r| r.start_line)
    }
}

/// The place a module was called from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSite {
    pub file: String,
    /// First line of the module call.
    pub line: u32,
    /// Last line of the module call (`--diff-base` judges a change to the call as a change to
    /// the resources it makes).
    pub end_line: u32,
}

/// Where a live resource came from: its provider and native id (ARN, ARM id, selfLink, UID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSource {
    pub provider: String,
    pub native_id: String,
}

/// The origin of a resource: a file location or a live id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Source {
    File(FileSource),
    Live(LiveSource),
}

impl Source {
    /// The file source, if this resource came from a file.
    pub fn as_file(&self) -> Option<&FileSource> {
        match self {
            Source::File(f) => Some(f),
            Source::Live(_) => None,
        }
    }
}

/// One resource of the graph, as policies see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// `<origin>:<native address>`, stable across edits; never contains a line number.
    pub id: String,
    /// Native type of the platform's schema (`aws_s3_bucket`, `Microsoft.Storage/storageAccounts`,
    /// `apps/v1/Deployment`).
    #[serde(rename = "type")]
    pub resource_type: String,
    pub origin: Origin,
    pub mode: Mode,
    /// Platform provider: `aws`, `azurerm`, `google`, `azure`, `kubernetes`, ...
    pub provider: String,
    /// The name the author gave the resource (Terraform name, Bicep symbolic name, metadata.name).
    pub name: String,
    pub scope: Scope,
    /// Resolved attribute values. Nested blocks are arrays of objects. Values the loader could
    /// not know are absent here (or `null` inside arrays) and listed in `unknown`.
    pub attributes: Json,
    /// The attribute values as rules read them, when they were converted as the resource's
    /// file loaded (`RuleValues::prepare` in `engine`, during a scan): `attributes` then holds
    /// only the paths the host still reads. Not part of the graph's JSON form.
    #[serde(skip)]
    pub rule_attributes: Option<regorus::Value>,
    /// Attribute paths whose values could not be known statically.
    pub unknown: Vec<String>,
    /// Edges to other resources.
    pub refs: Vec<Ref>,
    pub source: Source,
}

impl Resource {
    /// The file source, if this resource came from a file.
    pub fn file_source(&self) -> Option<&FileSource> {
        self.source.as_file()
    }
}

/// A problem met while loading inputs: the file (and where known, line and column) and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LoadError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
    /// Nothing of the file was loaded (it could not be read or parsed); otherwise the error
    /// concerns one part of it (a duplicate or malformed block).
    #[serde(skip)]
    pub file_skipped: bool,
}

impl LoadError {
    /// `file`, `file:line` or `file:line:column`, as far as known.
    pub fn place(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
            (Some(l), None) => format!("{}:{l}", self.file),
            _ => self.file.clone(),
        }
    }
}

/// A file that was read as input, with its loader.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputFile {
    pub file: String,
    pub kind: String,
    /// Whether resources were reported from it (`false` for files read only for context, such
    /// as sibling variables of an explicitly named Terraform file).
    pub scanned: bool,
}

/// Something a collector could not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Gap {
    /// `aws`, `azure`, `gcp`, `kubernetes`.
    pub provider: String,
    /// The API call (`s3:GetBucketEncryption`, `Microsoft.ResourceGraph/resources`).
    pub operation: String,
    /// Region, subscription, project or namespace, where it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The resource whose details are missing; `None` when a whole listing failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Resource types of the graph whose rules cannot be decided because of it (for a failed
    /// listing), or the type of `resource`.
    pub resource_types: Vec<String>,
    /// Types whose rules judge them with the unread objects as evidence (namespaces without a
    /// NetworkPolicy, VPCs without a flow log), beyond the rules that list the unread types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context_types: Vec<String>,
    /// The unread objects are evidence about other resources: a failure the affected rules
    /// report may be false (an absence not seen), so it is reported as undetermined.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub context: bool,
    /// Attributes of `resource` left unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// `denied`, `throttled`, `server-error`, `timeout`, `transport`, `malformed`, or
    /// `not-collected` (the collector does not read these objects at all).
    pub kind: String,
    pub message: String,
}

/// The kind of a gap that is no failed call: objects the collector never reads.
pub const NOT_COLLECTED: &str = "not-collected";

impl Gap {
    /// A call that failed (denied, throttled, erroring, timed out), as opposed to objects the
    /// collector never reads: failed calls are listed as load errors and fail an audit.
    pub fn is_failed_call(&self) -> bool {
        self.kind != NOT_COLLECTED
    }

    /// Does this gap leave `rule` undecidable?
    pub fn affects(&self, rule_types: &[String]) -> bool {
        rule_types
            .iter()
            .any(|t| self.resource_types.contains(t) || self.context_types.contains(t))
    }
}

/// Where a gap is reported as an error: `provider:operation[@scope]`.
pub fn gap_place(gap: &Gap) -> String {
    format!(
        "{}:{}{}",
        gap.provider,
        gap.operation,
        gap.scope
            .as_deref()
            .map(|s| format!("@{s}"))
            .unwrap_or_default()
    )
}

/// A failed call as a load error, so every report lists it with the files that could not be
/// read.
pub fn gap_error(gap: &Gap) -> LoadError {
    let message = match &gap.resource {
        Some(r) => format!(
            "{} of {r} not read ({}): {}",
            if gap.attributes.is_empty() {
                "details".to_string()
            } else {
                gap.attributes.join(", ")
            },
            gap.kind,
            gap.message
        ),
        None => format!(
            "could not list {} ({}): {}; their rules are not-evaluated",
            gap.resource_types.join(", "),
            gap.kind,
            gap.message
        ),
    };
    LoadError {
        file: gap_place(gap),
        line: None,
        column: None,
        message,
        file_skipped: false,
    }
}

/// Sorts resources by id, stably, unless they are sorted already (as they often are: a stable
/// sort would still take a buffer of half of them).
fn sort_by_id(resources: &mut [Resource]) {
    if !resources.is_sorted_by(|a, b| a.id <= b.id) {
        resources.sort_by(|a, b| a.id.cmp(&b.id));
    }
}

/// The resource types whose attribute values a scan's rules read (every type unless told
/// otherwise). When a scan's rules are all built in (`cli::scan::read_types`), the Bicep
/// loader emits a resource of another type with its identity only (`name`, `location`,
/// `type`, `apiVersion`; no references, no regions of attributes), and the evaluation of
/// Bicep deployments leaves it out of rules' views (`data.inventory`); other sources are
/// evaluated whole.
#[derive(Debug, Clone, Default)]
pub struct ReadTypes(Option<foldhash::HashSet<String>>);

impl ReadTypes {
    /// Only the attribute values of resources of `types` (exact type names, as rules name
    /// them) are read.
    pub fn only(types: impl IntoIterator<Item = String>) -> ReadTypes {
        ReadTypes(Some(types.into_iter().collect()))
    }

    /// Whether the attribute values of resources of type `t` are read.
    pub fn reads(&self, t: &str) -> bool {
        self.0.as_ref().is_none_or(|types| types.contains(t))
    }
}

/// All resources of one scan, with what could not be loaded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceGraph {
    pub schema_version: String,
    pub resources: Vec<Resource>,
    pub files: Vec<InputFile>,
    pub errors: Vec<LoadError>,
    /// What a live collector could not read (empty for files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<Gap>,
    /// For live inventory: per platform, the resource types its collector reads. Rules of that
    /// platform judging any other type of its schema are not-evaluated, never pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coverage: Vec<Coverage>,
    /// With `--shard`: the part reported on (see [`ResourceGraph::restrict_to_shard`]).
    #[serde(skip)]
    pub shard: Option<crate::shard::Shard>,
}

/// The resource types a live collector reads (directly, or folded into another resource as
/// S3 bucket settings and security-group rules are).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Rule platform (`aws`, `azure`, `gcp`, `kubernetes`).
    pub platform: String,
    pub types: Vec<String>,
}

impl Coverage {
    /// Is `t` a type of the live schema of this platform (not a Terraform `azurerm_*` type of
    /// an Azure rule, nor a Terraform `module`)?
    pub fn in_schema(&self, t: &str) -> bool {
        match self.platform.as_str() {
            "aws" => t.starts_with("aws_"),
            "gcp" => t.starts_with("google_"),
            "azure" => t.starts_with("Microsoft."),
            "kubernetes" => t.contains('/') && !t.starts_with("Microsoft."),
            _ => false,
        }
    }

    /// Does the collector read `t`? Kubernetes types match by group and kind, whatever the
    /// version (the API server serves a Deployment read as apps/v1 to rules written for
    /// apps/v1beta2 too; `extensions` stands for the groups its kinds moved to).
    pub fn covers(&self, t: &str) -> bool {
        if t == "*" || self.types.iter().any(|c| c == t) {
            return true;
        }
        if self.platform != "kubernetes" {
            return false;
        }
        let group_kind = |t: &str| {
            let parts: Vec<&str> = t.split('/').collect();
            let kind = parts.last().copied().unwrap_or("");
            let group = if parts.len() == 3 { parts[0] } else { "" };
            (group.to_string(), kind.to_string())
        };
        let (g, k) = group_kind(t);
        self.types.iter().any(|c| {
            let (cg, ck) = group_kind(c);
            ck == k && (cg == g || g == "extensions")
        })
    }
}

impl ResourceGraph {
    pub fn new() -> Self {
        ResourceGraph {
            schema_version: SCHEMA_VERSION.to_string(),
            ..Default::default()
        }
    }

    /// Puts resources, files and errors into a canonical order so that output never depends
    /// on thread scheduling or directory order.
    pub fn normalize(&mut self) {
        sort_by_id(&mut self.resources);
        self.files.sort();
        self.files.dedup();
        self.errors.sort();
        self.errors.dedup();
        self.gaps.sort();
        self.gaps.dedup();
    }

    /// For each resource, whether findings may be reported on it: it is managed here (not a
    /// data source or a Bicep/ARM `existing` reference, which describe resources managed
    /// elsewhere) and comes from a scanned file (not a file read only for context, such as
    /// the siblings of a file named on the command line) or from live inventory.
    pub fn scope_mask(&self) -> Vec<bool> {
        let scanned: foldhash::HashSet<&str> = self
            .files
            .iter()
            .filter(|f| f.scanned)
            .map(|f| f.file.as_str())
            .collect();
        // Resources of one file mostly follow each other: its answer is looked up once.
        let mut last: Option<(&str, bool)> = None;
        self.resources
            .iter()
            .map(|r| {
                r.mode != Mode::Data
                    && match r.file_source() {
                        Some(src) => match last {
                            Some((file, scanned)) if file == src.file => scanned,
                            _ => {
                                let answer = scanned.contains(src.file.as_str());
                                last = Some((src.file.as_str(), answer));
                                answer
                            }
                        },
                        None => self.shard.is_none_or(|s| s.owns(&r.id)),
                    }
            })
            .collect()
    }

    /// Keeps the whole graph (every resource stays in `data.inventory`, so rules judge each
    /// resource as in a single run) but reports only `shard`'s part: files of other shards
    /// become context, their load errors are theirs to report, and live resources of other
    /// shards leave the scope.
    pub fn restrict_to_shard(&mut self, shard: crate::shard::Shard) {
        for f in &mut self.files {
            if !shard.owns(&f.file) {
                f.scanned = false;
            }
        }
        self.errors.retain(|e| shard.owns(&e.file));
        self.shard = Some(shard);
    }

    /// Adds `more` to the resources, which stay in the order [`ResourceGraph::normalize`]
    /// gives (those already here first among equal ids). `more` is usually sorted, and
    /// lies between two resources of the graph (a Bicep scan's deployments, loaded after
    /// the rest): it is then put there, without sorting the whole graph again.
    pub fn insert_sorted(&mut self, mut more: Vec<Resource>) {
        sort_by_id(&mut more);
        if self.resources.is_empty() {
            self.resources = more;
            return;
        }
        let (Some(first), Some(last)) = (more.first(), more.last()) else {
            return;
        };
        let at = self.resources.partition_point(|r| r.id <= first.id);
        if self.resources.get(at).is_none_or(|next| last.id < next.id) {
            self.resources.splice(at..at, more);
        } else {
            self.resources.extend(more);
            sort_by_id(&mut self.resources);
        }
    }

    /// Merges another graph into this one (the caller normalizes afterwards).
    pub fn extend(&mut self, other: ResourceGraph) {
        // Taken whole when nothing was allocated yet: no second copy of every resource while
        // the vector grows.
        if self.resources.capacity() == 0 {
            self.resources = other.resources;
        } else {
            self.resources.extend(other.resources);
        }
        self.files.extend(other.files);
        self.errors.extend(other.errors);
        self.gaps.extend(other.gaps);
        for c in other.coverage {
            if !self.coverage.contains(&c) {
                self.coverage.push(c);
            }
        }
    }
}
