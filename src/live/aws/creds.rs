//! AWS credentials, found as the AWS CLI and SDKs find them: a named profile when one is
//! asked for, else the environment (`AWS_ACCESS_KEY_ID`, ...), else the shared config and
//! credentials files (`AWS_PROFILE` or `default`), else web identity from the environment
//! (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`: EKS IRSA, GitHub OIDC). Profiles may hold
//! static keys, `role_arn` + `web_identity_token_file`, or `role_arn` + `source_profile`
//! (sts:AssumeRole). The instance metadata service is never called.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Aws;
use crate::live::http::CallError;

/// Static or temporary credentials.
#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// Where they came from (`environment`, `profile prod`, `web identity arn:...`).
    pub source: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// The shared files' sections: profile name → key → value.
pub type Profiles = BTreeMap<String, BTreeMap<String, String>>;

/// Reads `~/.aws/config` and `~/.aws/credentials` (or `AWS_CONFIG_FILE`,
/// `AWS_SHARED_CREDENTIALS_FILE`); credentials-file keys win.
pub fn read_profiles(env: &dyn Fn(&str) -> Option<String>) -> Profiles {
    let home = env("HOME").map(PathBuf::from);
    let config = env("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws/config")));
    let credentials = env("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws/credentials")));
    let mut out = Profiles::new();
    if let Some(text) = config.and_then(|p| std::fs::read_to_string(p).ok()) {
        merge_ini(&mut out, &text, true);
    }
    if let Some(text) = credentials.and_then(|p| std::fs::read_to_string(p).ok()) {
        merge_ini(&mut out, &text, false);
    }
    out
}

/// Parses INI text into `out`. In the config file sections are `[default]` and
/// `[profile NAME]`; in the credentials file `[NAME]`. Nested blocks (`s3 =` followed by
/// indented keys) are skipped.
pub fn merge_ini(out: &mut Profiles, text: &str, config_file: bool) {
    let mut current: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let section = section.trim();
            current = if config_file {
                match section.strip_prefix("profile ") {
                    Some(name) => Some(name.trim().to_string()),
                    None if section == "default" => Some("default".into()),
                    None => None, // sso-session, services: not profiles
                }
            } else {
                Some(section.to_string())
            };
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            continue;
        }
        if let (Some(name), Some((k, v))) = (&current, line.split_once('=')) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            out.entry(name.clone())
                .or_default()
                .insert(k.trim().to_ascii_lowercase(), v.to_string());
        }
    }
}

/// Resolves credentials for `profile` (explicit) or by the default chain.
pub fn resolve(
    aws: &Aws,
    explicit_profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, CallError> {
    if let Some(p) = explicit_profile {
        return from_profile(aws, p, 0);
    }
    if let (Some(id), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        return Ok(Credentials {
            access_key_id: id,
            secret_access_key: secret,
            session_token: env("AWS_SESSION_TOKEN").filter(|t| !t.is_empty()),
            source: "environment".into(),
        });
    }
    let name = env("AWS_PROFILE").unwrap_or_else(|| "default".into());
    if aws.profiles.contains_key(&name) {
        return from_profile(aws, &name, 0);
    }
    if let (Some(token_file), Some(role)) =
        (env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN"))
    {
        return web_identity(
            aws,
            &role,
            &token_file,
            env("AWS_ROLE_SESSION_NAME").as_deref(),
        );
    }
    Err(CallError::Credentials(
        "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile \
         (--profile or AWS_PROFILE), or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN \
         (tenet does not call the instance metadata service)"
            .into(),
    ))
}

fn from_profile(aws: &Aws, name: &str, depth: u32) -> Result<Credentials, CallError> {
    let Some(p) = aws.profiles.get(name) else {
        return Err(CallError::Credentials(format!(
            "AWS profile `{name}` is in neither the config nor the credentials file"
        )));
    };
    if depth > 4 {
        return Err(CallError::Credentials(format!(
            "AWS profile `{name}`: source_profile chain too long (a loop?)"
        )));
    }
    if let (Some(id), Some(secret)) = (p.get("aws_access_key_id"), p.get("aws_secret_access_key"))
        && p.get("role_arn").is_none()
    {
        return Ok(Credentials {
            access_key_id: id.clone(),
            secret_access_key: secret.clone(),
            session_token: p.get("aws_session_token").cloned(),
            source: format!("profile {name}"),
        });
    }
    match (
        p.get("role_arn"),
        p.get("web_identity_token_file"),
        p.get("source_profile"),
    ) {
        (Some(role), Some(file), _) => web_identity(
            aws,
            role,
            file,
            p.get("role_session_name").map(String::as_str),
        ),
        (Some(role), None, Some(source)) => {
            let base = if source == name {
                // A profile may name itself as the source of its static keys.
                Credentials {
                    access_key_id: p.get("aws_access_key_id").cloned().unwrap_or_default(),
                    secret_access_key: p.get("aws_secret_access_key").cloned().unwrap_or_default(),
                    session_token: p.get("aws_session_token").cloned(),
                    source: format!("profile {name}"),
                }
            } else {
                from_profile(aws, source, depth + 1)?
            };
            assume_role(
                aws,
                &base,
                role,
                p.get("role_session_name").map(String::as_str),
            )
        }
        _ => Err(CallError::Credentials(format!(
            "AWS profile `{name}` holds no keys, no role_arn with web_identity_token_file and \
             no role_arn with source_profile (SSO and credential_process profiles are not supported)"
        ))),
    }
}

/// sts:AssumeRoleWithWebIdentity: an unsigned call carrying the OIDC token.
fn web_identity(
    aws: &Aws,
    role: &str,
    token_file: &str,
    session: Option<&str>,
) -> Result<Credentials, CallError> {
    let token = std::fs::read_to_string(token_file).map_err(|e| {
        CallError::Credentials(format!("web identity token file {token_file}: {e}"))
    })?;
    let params = [
        ("RoleArn", role.to_string()),
        (
            "RoleSessionName",
            session.unwrap_or("tenet-audit").to_string(),
        ),
        ("WebIdentityToken", token.trim().to_string()),
    ];
    let xml = aws.sts_unsigned("AssumeRoleWithWebIdentity", &params)?;
    parse_sts_credentials(&xml, &format!("web identity {role}"))
}

/// sts:AssumeRole with the source profile's credentials.
fn assume_role(
    aws: &Aws,
    base: &Credentials,
    role: &str,
    session: Option<&str>,
) -> Result<Credentials, CallError> {
    let params = [
        ("RoleArn", role.to_string()),
        (
            "RoleSessionName",
            session.unwrap_or("tenet-audit").to_string(),
        ),
    ];
    let xml = aws.sts_signed(base, "AssumeRole", &params)?;
    parse_sts_credentials(&xml, &format!("assumed role {role}"))
}

/// The `<Credentials>` element of an STS answer.
pub fn parse_sts_credentials(xml: &str, source: &str) -> Result<Credentials, CallError> {
    let doc = roxmltree::Document::parse(xml)
        .map_err(|e| CallError::Malformed(format!("STS answer is not XML: {e}")))?;
    let creds = doc
        .descendants()
        .find(|n| n.has_tag_name("Credentials"))
        .ok_or_else(|| CallError::Malformed("STS answer has no Credentials".into()))?;
    let field = |name: &str| {
        creds
            .children()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    match (field("AccessKeyId"), field("SecretAccessKey")) {
        (Some(id), Some(secret)) => Ok(Credentials {
            access_key_id: id,
            secret_access_key: secret,
            session_token: field("SessionToken"),
            source: source.to_string(),
        }),
        _ => Err(CallError::Malformed(
            "STS Credentials lack AccessKeyId or SecretAccessKey".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_of_both_files() {
        let mut p = Profiles::new();
        merge_ini(
            &mut p,
            "[default]\nregion = eu-west-1\n[profile prod]\nrole_arn = arn:aws:iam::1:role/r\n\
             s3 =\n  max_concurrent_requests = 2\n[sso-session x]\nsso_region = us-east-1\n",
            true,
        );
        merge_ini(
            &mut p,
            "[prod]\naws_access_key_id = AK\n# comment\naws_secret_access_key=SK\n",
            false,
        );
        assert_eq!(p["default"]["region"], "eu-west-1");
        assert_eq!(p["prod"]["role_arn"], "arn:aws:iam::1:role/r");
        assert_eq!(p["prod"]["aws_access_key_id"], "AK");
        assert_eq!(p["prod"]["aws_secret_access_key"], "SK");
        assert!(!p["prod"].contains_key("max_concurrent_requests"));
        assert!(!p.contains_key("x") && !p.contains_key("sso-session x"));
    }

    #[test]
    fn sts_credentials() {
        let xml = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
                   <Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>TOPSECRET</SecretAccessKey>\
                   <SessionToken>t</SessionToken></Credentials></AssumeRoleWithWebIdentityResult>\
                   </AssumeRoleWithWebIdentityResponse>";
        let c = parse_sts_credentials(xml, "w").unwrap();
        assert_eq!(
            (c.access_key_id.as_str(), c.session_token.as_deref()),
            ("ASIA", Some("t"))
        );
        assert!(parse_sts_credentials("<x/>", "w").is_err());
        // Debug output never shows the secret.
        assert!(!format!("{c:?}").contains("TOPSECRET"));
    }
}
