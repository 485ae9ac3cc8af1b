//! What the Bicep and ARM JSON loaders share: the deployment context and the template function
//! library. Bicep compiles to ARM, so both languages call the same functions with the same
//! meaning; resources of both come out in the ARM schema (`type`, `apiVersion`, `name`,
//! `properties`, ...).

pub mod funcs;

/// The scope a template deploys to (`targetScope` in Bicep, the `$schema` of an ARM template):
/// it decides what `resourceGroup()`, `subscription()` and `managementGroup()` stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetScope {
    #[default]
    ResourceGroup,
    Subscription,
    ManagementGroup,
    Tenant,
}

/// What functions may know about the deployment. Names, ids and locations of the resource
/// group and subscription are not in the sources: they are unknown unless given here.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub scope: TargetScope,
}
