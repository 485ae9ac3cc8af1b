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
    /// The subscription deployed to, when the user says so; `subscription().subscriptionId`
    /// and resource ids are unknown without it.
    pub subscription_id: Option<String>,
    /// The resource group deployed to (name), when known.
    pub resource_group: Option<String>,
    /// The resource group's location, when known.
    pub location: Option<String>,
}

impl TargetScope {
    /// The scope an ARM template deploys to, from its `$schema` URL.
    pub fn from_schema(schema: &str) -> TargetScope {
        let s = schema.to_ascii_lowercase();
        if s.contains("subscriptiondeploymenttemplate") {
            TargetScope::Subscription
        } else if s.contains("managementgroupdeploymenttemplate") {
            TargetScope::ManagementGroup
        } else if s.contains("tenantdeploymenttemplate") {
            TargetScope::Tenant
        } else {
            TargetScope::ResourceGroup
        }
    }
}
