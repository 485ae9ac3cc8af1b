//! tenet: a policy-as-code compliance scanner.
//!
//! Data flows one way: [`discover`] finds inputs, [`load`] turns them into a
//! [`graph::ResourceGraph`], [`engine`] evaluates the Rego rules of [`policy`] on it, and
//! [`report`] writes the findings. The front doors (`tenet scan`, later the admission webhook
//! and the cloud audit) live in [`cli`] and all share this core.

#[cfg(feature = "serve")]
pub mod admission;
pub mod cli;
pub mod compliance;
pub mod config;
pub mod diff;
pub mod discover;
pub mod engine;
pub mod evidence;
pub mod finding;
pub mod graph;
pub mod limits;
#[cfg(feature = "live")]
pub mod live;
pub mod load;
pub mod memory;
pub mod merge;
pub mod policy;
pub mod report;
#[cfg(feature = "serve")]
pub mod serve;
pub mod shard;
pub mod suppress;
