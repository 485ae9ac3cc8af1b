//! Bearer tokens for Azure and GCP, from pluggable providers: a token given outright, Azure
//! client credentials (secret or federated workload identity: AKS, GitHub OIDC), and GCP
//! service-account keys (a JWT signed with the key's RSA private key, RS256). A token is fetched
//! once per run and shared.

use std::sync::OnceLock;

use serde_json::Value as Json;

use super::http::{CallError, Client, Request, by_status};

/// Something that yields a bearer token.
pub trait TokenProvider: Sync + Send {
    /// The token (without `Bearer `).
    fn token(&self, http: &Client) -> Result<String, CallError>;
    /// What it is, for the summary (`static token`, `client secret of app ...`).
    fn describe(&self) -> String;
}

/// A token given outright (`AZURE_ACCESS_TOKEN`, `GOOGLE_OAUTH_ACCESS_TOKEN`).
pub struct Static {
    pub token: String,
    pub source: String,
}

impl TokenProvider for Static {
    fn token(&self, _: &Client) -> Result<String, CallError> {
        Ok(self.token.clone())
    }
    fn describe(&self) -> String {
        self.source.clone()
    }
}

/// A provider whose token is fetched once.
pub struct Cached<P> {
    inner: P,
    token: OnceLock<Result<String, CallError>>,
}

impl<P: TokenProvider> Cached<P> {
    pub fn new(inner: P) -> Self {
        Cached {
            inner,
            token: OnceLock::new(),
        }
    }
}

impl<P: TokenProvider> TokenProvider for Cached<P> {
    fn token(&self, http: &Client) -> Result<String, CallError> {
        self.token.get_or_init(|| self.inner.token(http)).clone()
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Azure AD client credentials: a secret, or a federated token file (workload identity).
pub struct AzureClient {
    pub authority: String,
    pub tenant: String,
    pub client_id: String,
    pub secret: Option<String>,
    pub federated_token_file: Option<String>,
    pub scope: String,
}

impl TokenProvider for AzureClient {
    fn token(&self, http: &Client) -> Result<String, CallError> {
        let mut form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", self.client_id.clone()),
            ("scope", self.scope.clone()),
        ];
        match (&self.secret, &self.federated_token_file) {
            (Some(s), _) => form.push(("client_secret", s.clone())),
            (None, Some(f)) => {
                let assertion = std::fs::read_to_string(f).map_err(|e| {
                    CallError::Credentials(format!("federated token file {f}: {e}"))
                })?;
                form.push((
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
                ));
                form.push(("client_assertion", assertion.trim().to_string()));
            }
            (None, None) => {
                return Err(CallError::Credentials(
                    "Azure client credentials need AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE"
                        .into(),
                ));
            }
        }
        let url = format!(
            "{}/{}/oauth2/v2.0/token",
            self.authority.trim_end_matches('/'),
            self.tenant
        );
        post_form(http, &url, &form)
    }
    fn describe(&self) -> String {
        format!(
            "{} of application {}",
            if self.secret.is_some() {
                "client secret"
            } else {
                "workload identity"
            },
            self.client_id
        )
    }
}

/// A GCP service-account key file (`"type": "service_account"`).
pub struct GcpServiceAccount {
    pub email: String,
    pub private_key_pem: String,
    pub token_uri: String,
    pub scope: String,
}

impl GcpServiceAccount {
    /// Reads a key file.
    pub fn from_file(path: &str) -> Result<GcpServiceAccount, CallError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CallError::Credentials(format!("{path}: {e}")))?;
        let v: Json = serde_json::from_str(&text)
            .map_err(|e| CallError::Credentials(format!("{path}: not JSON: {e}")))?;
        let field = |k: &str| {
            v.get(k)
                .and_then(Json::as_str)
                .map(str::to_string)
                .ok_or_else(|| CallError::Credentials(format!("{path}: no `{k}`")))
        };
        if v.get("type").and_then(Json::as_str) != Some("service_account") {
            return Err(CallError::Credentials(format!(
                "{path}: only service-account keys are supported (`\"type\": \"service_account\"`); \
                 for workload identity federation pass a token in GOOGLE_OAUTH_ACCESS_TOKEN"
            )));
        }
        Ok(GcpServiceAccount {
            email: field("client_email")?,
            private_key_pem: field("private_key")?,
            token_uri: field("token_uri")
                .unwrap_or_else(|_| "https://oauth2.googleapis.com/token".into()),
            scope: "https://www.googleapis.com/auth/cloud-platform.read-only".into(),
        })
    }

    /// The signed JWT assertion (RS256).
    pub fn assertion(&self, now: i64) -> Result<String, CallError> {
        use data_encoding::BASE64URL_NOPAD as B64;
        let header = B64.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let claims = serde_json::json!({
            "iss": self.email,
            "scope": self.scope,
            "aud": self.token_uri,
            "iat": now,
            "exp": now + 3600,
        });
        let claims = B64.encode(claims.to_string().as_bytes());
        let signing_input = format!("{header}.{claims}");
        let der = pem_body(&self.private_key_pem)?;
        let key = ring::signature::RsaKeyPair::from_pkcs8(&der)
            .map_err(|e| CallError::Credentials(format!("service-account private key: {e}")))?;
        let mut sig = vec![0; key.public().modulus_len()];
        key.sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            signing_input.as_bytes(),
            &mut sig,
        )
        .map_err(|_| CallError::Credentials("cannot sign the JWT assertion".into()))?;
        Ok(format!("{signing_input}.{}", B64.encode(&sig)))
    }
}

impl TokenProvider for GcpServiceAccount {
    fn token(&self, http: &Client) -> Result<String, CallError> {
        let assertion = self.assertion(chrono::Utc::now().timestamp())?;
        post_form(
            http,
            &self.token_uri,
            &[
                (
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:jwt-bearer".into(),
                ),
                ("assertion", assertion),
            ],
        )
    }
    fn describe(&self) -> String {
        format!("service account {}", self.email)
    }
}

/// The DER bytes of a PEM block.
fn pem_body(pem: &str) -> Result<Vec<u8>, CallError> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect();
    data_encoding::BASE64
        .decode(body.as_bytes())
        .map_err(|e| CallError::Credentials(format!("private key is not PEM: {e}")))
}

/// POSTs an OAuth form and returns `access_token`.
fn post_form(http: &Client, url: &str, form: &[(&str, String)]) -> Result<String, CallError> {
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", super::aws::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let build = || {
        Ok(Request {
            method: reqwest::Method::POST,
            url: url.to_string(),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: body.as_bytes().to_vec(),
        })
    };
    let r = http
        .send(&build, by_status)
        .map_err(|e| CallError::Credentials(format!("token request to {url}: {e}")))?;
    let v: Json = serde_json::from_slice(&r.body)
        .map_err(|e| CallError::Credentials(format!("token answer from {url} is not JSON: {e}")))?;
    match v.get("access_token").and_then(Json::as_str) {
        Some(t) if (200..300).contains(&r.status) => Ok(t.to_string()),
        _ => Err(CallError::Credentials(format!(
            "token request to {url} refused: HTTP {} {}",
            r.status,
            super::http::snippet(&r.text())
        ))),
    }
}

/// Sends a JSON request with a bearer token; answers other than 2xx become errors carrying
/// the provider's error envelope (`{"error": {"code", "message"}}`).
pub fn bearer_json(
    http: &Client,
    tokens: &dyn TokenProvider,
    method: reqwest::Method,
    url: &str,
    body: Option<&Json>,
) -> Result<Json, CallError> {
    let token = tokens.token(http)?;
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let build = || {
        let mut headers = vec![
            ("authorization".to_string(), format!("Bearer {token}")),
            ("accept".to_string(), "application/json".to_string()),
        ];
        if body.is_some() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        Ok(Request {
            method: method.clone(),
            url: url.to_string(),
            headers,
            body: bytes.clone(),
        })
    };
    let r = http.send(&build, classify_envelope)?;
    if !(200..300).contains(&r.status) {
        return Err(CallError::Malformed(format!(
            "HTTP {}: {}",
            r.status,
            envelope(&r.text())
        )));
    }
    serde_json::from_slice(&r.body)
        .map_err(|e| CallError::Malformed(format!("answer from {url} is not JSON: {e}")))
}

/// 401/403 and 429 by status, with the envelope's message.
fn classify_envelope(r: &super::http::Response) -> super::http::Verdict {
    use super::http::Verdict;
    match r.status {
        429 => Verdict::Throttled(format!("HTTP 429: {}", envelope(&r.text()))),
        401 | 403 => Verdict::Denied(format!("HTTP {}: {}", r.status, envelope(&r.text()))),
        _ => Verdict::Ok,
    }
}

/// `CODE: message` of an Azure or Google error envelope, else the body's start.
pub fn envelope(text: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Json>(text)
        && let Some(e) = v.get("error")
    {
        let code = e
            .get("status")
            .or_else(|| e.get("code"))
            .map(|c| {
                c.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| c.to_string())
            })
            .unwrap_or_default();
        let message = e.get("message").and_then(Json::as_str).unwrap_or("");
        return format!("{code}: {message}");
    }
    super::http::snippet(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_bodies_decode_and_bad_keys_are_reported() {
        assert_eq!(
            pem_body("-----BEGIN X-----\nAAEC\n-----END X-----\n").unwrap(),
            vec![0, 1, 2]
        );
        let sa = GcpServiceAccount {
            email: "a@b".into(),
            private_key_pem: "-----BEGIN PRIVATE KEY-----\nAAEC\n-----END PRIVATE KEY-----".into(),
            token_uri: "http://127.0.0.1:1/token".into(),
            scope: "s".into(),
        };
        assert!(
            matches!(sa.assertion(0), Err(CallError::Credentials(m)) if m.contains("private key"))
        );
    }
}
