//! The AWS collector: read-only calls signed with SigV4 (`aws-sigv4`), sent by the shared
//! retrying client, mapped onto the Terraform `aws` provider's schema.
//!
//! Endpoints are chosen as the AWS CLI and SDKs choose them: `--endpoint-url`, else
//! `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_S3`, `..._EC2`, ...), else
//! `AWS_ENDPOINT_URL`, else the profile's `endpoint_url`, else the public endpoint of the
//! service and region (`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the environment and
//! profile). S3 is addressed path-style.

pub mod collect;
pub mod creds;

use std::collections::BTreeMap;
use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use super::http::{CallError, Client, Request, Response, Verdict, snippet};
pub use creds::Credentials;

/// What `tenet audit --provider aws` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Regions to audit (default: the profile's or environment's region, else us-east-1).
    pub regions: Vec<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

/// A configured AWS client.
pub struct Aws {
    pub http: Client,
    pub profiles: creds::Profiles,
    profile_name: String,
    endpoint_url: Option<String>,
    env_endpoints: BTreeMap<String, String>,
    creds: Option<Credentials>,
    pub regions: Vec<String>,
}

/// The services called, with their SigV4 signing names and endpoint variable suffixes.
pub const SERVICES: [&str; 8] = [
    "s3",
    "s3_control",
    "ec2",
    "rds",
    "iam",
    "kms",
    "cloudtrail",
    "sts",
];

impl Aws {
    /// Reads profiles and endpoints from `env` and resolves credentials.
    pub fn new(
        opts: &Options,
        http: Client,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Aws, CallError> {
        let profiles = creds::read_profiles(env);
        let profile_name = opts
            .profile
            .clone()
            .or_else(|| env("AWS_PROFILE"))
            .unwrap_or_else(|| "default".into());
        let ignore_configured = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let mut env_endpoints = BTreeMap::new();
        if !ignore_configured {
            let profile_endpoint = profiles
                .get(&profile_name)
                .and_then(|p| p.get("endpoint_url"))
                .cloned();
            for service in SERVICES {
                let specific = env(&format!(
                    "AWS_ENDPOINT_URL_{}",
                    service.to_ascii_uppercase()
                ));
                if let Some(url) = specific
                    .or_else(|| env("AWS_ENDPOINT_URL"))
                    .or_else(|| profile_endpoint.clone())
                    .filter(|u| !u.is_empty())
                {
                    env_endpoints.insert(service.to_string(), url);
                }
            }
        }
        let mut regions: Vec<String> = opts.regions.clone();
        if regions.is_empty() {
            regions.push(
                env("AWS_REGION")
                    .or_else(|| env("AWS_DEFAULT_REGION"))
                    .or_else(|| {
                        profiles
                            .get(&profile_name)
                            .and_then(|p| p.get("region"))
                            .cloned()
                    })
                    .unwrap_or_else(|| "us-east-1".into()),
            );
        }
        regions.sort();
        regions.dedup();
        let mut aws = Aws {
            http,
            profiles,
            profile_name,
            endpoint_url: opts.endpoint_url.clone(),
            env_endpoints,
            creds: None,
            regions,
        };
        aws.creds = Some(creds::resolve(&aws, opts.profile.as_deref(), env)?);
        Ok(aws)
    }

    /// Where credentials came from.
    pub fn credential_source(&self) -> String {
        self.creds
            .as_ref()
            .map(|c| c.source.clone())
            .unwrap_or_default()
    }

    /// The profile in use.
    pub fn profile(&self) -> &str {
        &self.profile_name
    }

    /// The endpoints used when they are not AWS's own.
    pub fn custom_endpoints(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .endpoint_url
            .iter()
            .cloned()
            .chain(self.env_endpoints.values().cloned())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Base URL of `service` in `region`, without a trailing slash.
    pub fn endpoint(&self, service: &str, region: &str) -> String {
        if let Some(u) = &self.endpoint_url {
            return u.trim_end_matches('/').to_string();
        }
        if let Some(u) = self.env_endpoints.get(service) {
            return u.trim_end_matches('/').to_string();
        }
        match service {
            "iam" => "https://iam.amazonaws.com".into(),
            // The account's own host: `s3_control_endpoint` fills it in.
            "s3_control" => format!("https://s3-control.{region}.amazonaws.com"),
            "sts" => format!("https://sts.{region}.amazonaws.com"),
            _ => format!("https://{service}.{region}.amazonaws.com"),
        }
    }

    /// S3 Control's base URL for `account`: AWS addresses it by account id in the host.
    pub fn s3_control_endpoint(&self, account: &str, region: &str) -> String {
        let base = self.endpoint("s3_control", region);
        if base == format!("https://s3-control.{region}.amazonaws.com") {
            format!("https://{account}.s3-control.{region}.amazonaws.com")
        } else {
            base
        }
    }

    /// The region IAM requests are signed for (a global service).
    fn signing_region<'a>(service: &str, region: &'a str) -> &'a str {
        if service == "iam" {
            "us-east-1"
        } else {
            region
        }
    }

    /// Sends one signed request and classifies AWS's error codes.
    pub fn call(
        &self,
        service: &str,
        region: &str,
        method: reqwest::Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, CallError> {
        self.call_at(
            &self.endpoint(service, region),
            service,
            region,
            method,
            path_and_query,
            headers,
            body,
        )
    }

    /// A signed request to an explicit base URL (S3 Control's per-account host).
    #[allow(clippy::too_many_arguments)]
    pub fn call_at(
        &self,
        base: &str,
        signing_service: &str,
        region: &str,
        method: reqwest::Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, CallError> {
        let creds = self
            .creds
            .as_ref()
            .ok_or_else(|| CallError::Credentials("no credentials".into()))?;
        self.call_with(
            Some(creds),
            base,
            signing_service,
            region,
            method,
            path_and_query,
            headers,
            body,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn call_with(
        &self,
        creds: Option<&Credentials>,
        base: &str,
        service: &str,
        region: &str,
        method: reqwest::Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, CallError> {
        let url = format!("{base}{path_and_query}");
        let signing_region = Self::signing_region(service, region);
        let build = || -> Result<Request, CallError> {
            let mut all: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if service == "s3" {
                all.push((
                    "x-amz-content-sha256".into(),
                    crate::evidence::manifest::sha256_hex(body),
                ));
            }
            if let Some(c) = creds {
                all.extend(sign_request(
                    c,
                    service,
                    signing_region,
                    method.as_str(),
                    &url,
                    &all,
                    body,
                )?);
            }
            Ok(Request {
                method: method.clone(),
                url: url.clone(),
                headers: all,
                body: body.to_vec(),
            })
        };
        let response = self.http.send(&build, classify)?;
        Ok(response)
    }

    /// A query-protocol call (EC2, IAM, RDS, STS): form-encoded POST, XML answer. Non-2xx
    /// answers come back as [`AwsError`] with their code.
    pub fn query(
        &self,
        service: &str,
        region: &str,
        action: &str,
        version: &str,
        params: &[(&str, String)],
    ) -> Result<Result<String, AwsError>, CallError> {
        let body = form_body(action, version, params);
        let r = self.call(
            service,
            region,
            reqwest::Method::POST,
            "/",
            &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body.as_bytes(),
        )?;
        Ok(answer(r))
    }

    /// A JSON-protocol call (KMS, CloudTrail): POST with `X-Amz-Target`.
    pub fn json(
        &self,
        service: &str,
        region: &str,
        target: &str,
        body: &serde_json::Value,
    ) -> Result<Result<serde_json::Value, AwsError>, CallError> {
        let bytes = serde_json::to_vec(body).map_err(|e| CallError::Malformed(e.to_string()))?;
        let r = self.call(
            service,
            region,
            reqwest::Method::POST,
            "/",
            &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", target),
            ],
            &bytes,
        )?;
        Ok(match answer(r) {
            Ok(text) => Ok(serde_json::from_str(&text).map_err(|e| {
                CallError::Malformed(format!("{service} {target}: answer is not JSON: {e}"))
            })?),
            Err(e) => Err(e),
        })
    }

    /// A REST GET (S3): the XML body, or the error code.
    pub fn rest_get(
        &self,
        service: &str,
        region: &str,
        path_and_query: &str,
    ) -> Result<Result<String, AwsError>, CallError> {
        let r = self.call(
            service,
            region,
            reqwest::Method::GET,
            path_and_query,
            &[],
            b"",
        )?;
        Ok(answer(r))
    }

    /// An unsigned STS call (AssumeRoleWithWebIdentity).
    pub(crate) fn sts_unsigned(
        &self,
        action: &str,
        params: &[(&str, String)],
    ) -> Result<String, CallError> {
        self.sts(None, action, params)
    }

    /// A signed STS call with explicit credentials (AssumeRole from a source profile).
    pub(crate) fn sts_signed(
        &self,
        creds: &Credentials,
        action: &str,
        params: &[(&str, String)],
    ) -> Result<String, CallError> {
        self.sts(Some(creds), action, params)
    }

    fn sts(
        &self,
        creds: Option<&Credentials>,
        action: &str,
        params: &[(&str, String)],
    ) -> Result<String, CallError> {
        let region = self
            .regions
            .first()
            .cloned()
            .unwrap_or_else(|| "us-east-1".into());
        let body = form_body(action, "2011-06-15", params);
        let r = self.call_with(
            creds,
            &self.endpoint("sts", &region),
            "sts",
            &region,
            reqwest::Method::POST,
            "/",
            &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body.as_bytes(),
        )?;
        answer(r).map_err(|e| CallError::Credentials(format!("sts:{action}: {e}")))
    }
}

/// An error answer of an AWS API: its code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} {}: {}", self.status, self.code, self.message)
    }
}

impl AwsError {
    /// An unexpected error answer, as a call failure.
    pub fn unexpected(self) -> CallError {
        CallError::Malformed(self.to_string())
    }
}

fn answer(r: Response) -> Result<String, AwsError> {
    let text = r.text();
    if (200..300).contains(&r.status) {
        return Ok(text);
    }
    let (code, message) = error_code(&text);
    Err(AwsError {
        status: r.status,
        code,
        message,
    })
}

/// The error code and message of an AWS error body: XML `<Code>`/`<Message>` (query, S3) or
/// JSON `__type`/`message` (JSON protocols).
pub fn error_code(text: &str) -> (String, String) {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let code = v
            .get("__type")
            .or_else(|| v.get("code"))
            .and_then(|c| c.as_str())
            .unwrap_or("")
            .rsplit('#')
            .next()
            .unwrap_or("")
            .to_string();
        let message = v
            .get("message")
            .or_else(|| v.get("Message"))
            .and_then(|m| m.as_str())
            .unwrap_or("")
            .to_string();
        return (code, message);
    }
    if let Ok(doc) = roxmltree::Document::parse(text) {
        let find = |tag: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name(tag))
                .and_then(|n| n.text())
                .unwrap_or("")
                .to_string()
        };
        return (find("Code"), find("Message"));
    }
    (String::new(), snippet(text))
}

const THROTTLING: [&str; 8] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
];

const DENIED: [&str; 11] = [
    // Temporary credentials that expired mid-run (no refresh: see docs/nightly-audit.md).
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "TokenRefreshRequired",
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
];

/// AWS's throttling and denial codes, wherever they come (400, 403, 429, 503).
fn classify(r: &Response) -> Verdict {
    if r.status < 400 {
        return Verdict::Ok;
    }
    let (code, message) = error_code(&r.text());
    let text = if code.is_empty() {
        format!("HTTP {}: {message}", r.status)
    } else {
        format!("HTTP {} {code}: {message}", r.status)
    };
    if THROTTLING.contains(&code.as_str()) || r.status == 429 {
        Verdict::Throttled(text)
    } else if DENIED.contains(&code.as_str()) || r.status == 401 || r.status == 403 {
        Verdict::Denied(text)
    } else {
        Verdict::Ok
    }
}

fn form_body(action: &str, version: &str, params: &[(&str, String)]) -> String {
    let mut pairs = vec![
        ("Action".to_string(), action.to_string()),
        ("Version".to_string(), version.to_string()),
    ];
    pairs.extend(params.iter().map(|(k, v)| (k.to_string(), v.clone())));
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encoding of AWS's unreserved set.
pub fn encode(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}

/// The SigV4 headers for one request.
fn sign_request(
    creds: &Credentials,
    service: &str,
    region: &str,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Vec<(String, String)>, CallError> {
    let identity = aws_credential_types::Credentials::new(
        &creds.access_key_id,
        &creds.secret_access_key,
        creds.session_token.clone(),
        None,
        "tenet",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| CallError::Credentials(format!("cannot sign: {e}")))?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|e| CallError::Credentials(format!("cannot sign {url}: {e}")))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| CallError::Credentials(format!("cannot sign {url}: {e}")))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_of_both_protocols() {
        assert_eq!(
            error_code(r#"{"__type":"com.amazon.coral#AccessDeniedException","message":"no"}"#),
            ("AccessDeniedException".into(), "no".into())
        );
        assert_eq!(
            error_code(
                "<ErrorResponse><Error><Code>Throttling</Code><Message>slow</Message></Error></ErrorResponse>"
            ),
            ("Throttling".into(), "slow".into())
        );
        let r = |status, body: &str| Response {
            status,
            body: body.as_bytes().to_vec(),
            headers: vec![],
        };
        assert!(matches!(
            classify(&r(400, "<Error><Code>RequestLimitExceeded</Code></Error>")),
            Verdict::Throttled(_)
        ));
        assert!(matches!(
            classify(&r(400, "<Error><Code>UnauthorizedOperation</Code></Error>")),
            Verdict::Denied(_)
        ));
        assert_eq!(
            classify(&r(404, "<Error><Code>NoSuchBucketPolicy</Code></Error>")),
            Verdict::Ok
        );
    }

    #[test]
    fn endpoints_follow_the_cli_rules() {
        let env = |k: &str| -> Option<String> {
            match k {
                "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:1/".into()),
                "AWS_ENDPOINT_URL_S3" => Some("http://127.0.0.1:2".into()),
                "AWS_ACCESS_KEY_ID" => Some("AK".into()),
                "AWS_SECRET_ACCESS_KEY" => Some("SK".into()),
                "HOME" => Some("/nonexistent".into()),
                _ => None,
            }
        };
        let http = Client::new(Default::default()).unwrap();
        let aws = Aws::new(&Options::default(), http, &env).unwrap();
        assert_eq!(aws.endpoint("s3", "eu-west-1"), "http://127.0.0.1:2");
        assert_eq!(aws.endpoint("ec2", "eu-west-1"), "http://127.0.0.1:1");
        assert_eq!(aws.regions, vec!["us-east-1"]);
        assert_eq!(aws.credential_source(), "environment");
        let http = Client::new(Default::default()).unwrap();
        let opts = Options {
            endpoint_url: Some("http://127.0.0.1:3".into()),
            regions: vec!["eu-west-1".into()],
            ..Default::default()
        };
        let aws = Aws::new(&opts, http, &env).unwrap();
        assert_eq!(aws.endpoint("s3", "eu-west-1"), "http://127.0.0.1:3");
        let none = |k: &str| (k == "HOME").then(|| "/nonexistent".to_string());
        let http = Client::new(Default::default()).unwrap();
        let aws = Aws::new(&Options::default(), http, &none);
        assert!(matches!(aws, Err(CallError::Credentials(m)) if m.contains("no AWS credentials")));
    }

    #[test]
    fn form_bodies_are_encoded() {
        assert_eq!(
            form_body("ListUsers", "2010-05-08", &[("Marker", "a b/+".into())]),
            "Action=ListUsers&Version=2010-05-08&Marker=a%20b%2F%2B"
        );
    }
}
