//! The HTTP client every collector uses: blocking reqwest over rustls, with retries on
//! throttling, 5xx answers, timeouts and dropped connections (exponential backoff with full
//! jitter, honouring `Retry-After`), and a classification of what finally went wrong.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How the client retries.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// First backoff; doubled each retry, capped at `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
            timeout: Duration::from_secs(30),
        }
    }
}

/// An answer with a status the caller interprets (2xx, or a 4xx that is not throttling).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// Response headers, names lower-cased.
    pub headers: Vec<(String, String)>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a call gave up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// 401/403, or an access-denied error code.
    #[error("access denied: {0}")]
    Denied(String),
    /// Still throttled after every retry.
    #[error("throttled after {attempts} attempts: {message}")]
    Throttled { attempts: u32, message: String },
    /// Still failing with 5xx after every retry.
    #[error("server error after {attempts} attempts: {message}")]
    Server { attempts: u32, message: String },
    /// Timed out on every attempt.
    #[error("timed out after {attempts} attempts")]
    Timeout { attempts: u32 },
    /// Connection failures on every attempt.
    #[error("transport error after {attempts} attempts: {message}")]
    Transport { attempts: u32, message: String },
    /// An answer that could not be understood, or a client error that is not denial.
    #[error("{0}")]
    Malformed(String),
    /// Signing or credential problems before anything was sent.
    #[error("{0}")]
    Credentials(String),
}

impl CallError {
    /// The gap kind for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            CallError::Denied(_) => "denied",
            CallError::Throttled { .. } => "throttled",
            CallError::Server { .. } => "server-error",
            CallError::Timeout { .. } => "timeout",
            CallError::Transport { .. } => "transport",
            CallError::Malformed(_) => "malformed",
            CallError::Credentials(_) => "credentials",
        }
    }
}

/// Decides from an answer whether it is throttling (retry), denial, or to be returned.
pub type Classifier = fn(&Response) -> Verdict;

/// What an answer means for the retry loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Throttled(String),
    Denied(String),
}

/// The default classification: 429 is throttling, 401/403 denial.
pub fn by_status(r: &Response) -> Verdict {
    match r.status {
        429 => Verdict::Throttled(format!("HTTP 429: {}", snippet(&r.text()))),
        401 | 403 => Verdict::Denied(format!("HTTP {}: {}", r.status, snippet(&r.text()))),
        _ => Verdict::Ok,
    }
}

/// The first 300 characters of a body, on one line.
pub fn snippet(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(300) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    }
}

/// A request to send (rebuilt for every attempt, so signatures are fresh).
pub struct Request {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The shared client, with counters of requests and retries.
pub struct Client {
    inner: reqwest::blocking::Client,
    pub policy: RetryPolicy,
    requests: AtomicU64,
    retries: AtomicU64,
}

impl Client {
    pub fn new(policy: RetryPolicy) -> Result<Client, CallError> {
        Client::with_tls(policy, None, None, false)
    }

    /// A client that also trusts `ca_pem` (a cluster's CA), presents `identity_pem` (client
    /// certificate and key), or, only when a kubeconfig says so, skips verification.
    pub fn with_tls(
        policy: RetryPolicy,
        ca_pem: Option<&[u8]>,
        identity_pem: Option<&[u8]>,
        insecure: bool,
    ) -> Result<Client, CallError> {
        install_crypto_provider();
        let fail = |what: &str, e: reqwest::Error| {
            CallError::Credentials(format!("{what}: {}", error_chain(&e)))
        };
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("tenet/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| fail("certificate authority", e))?;
            builder = builder.tls_certs_merge(certs);
        }
        if let Some(pem) = identity_pem {
            builder = builder.identity(
                reqwest::Identity::from_pem(pem).map_err(|e| fail("client certificate", e))?,
            );
        }
        if insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let inner = builder
            .build()
            .map_err(|e| fail("cannot start the HTTP client", e))?;
        Ok(Client {
            inner,
            policy,
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
        })
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    /// Sends the request `build` makes, retrying as the policy says. `classify` tells
    /// throttling and denial apart from answers the caller handles.
    pub fn send(
        &self,
        build: &dyn Fn() -> Result<Request, CallError>,
        classify: Classifier,
    ) -> Result<Response, CallError> {
        let attempts = self.policy.attempts.max(1);
        let mut last: Option<CallError> = None;
        for attempt in 0..attempts {
            if attempt > 0 {
                self.retries.fetch_add(1, Ordering::Relaxed);
            }
            let req = build()?;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut rb = self.inner.request(req.method, &req.url);
            for (k, v) in &req.headers {
                rb = rb.header(k, v);
            }
            let outcome = rb.body(req.body).send();
            let wait = match outcome {
                Err(e) => {
                    last = Some(transport_error(&e, attempts));
                    None
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers: Vec<(String, String)> = resp
                        .headers()
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.as_str().to_ascii_lowercase(),
                                v.to_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect();
                    let body = match resp.bytes() {
                        Ok(b) => b.to_vec(),
                        Err(e) => {
                            last = Some(transport_error(&e, attempts));
                            if attempt + 1 < attempts {
                                self.pause(attempt, None);
                            }
                            continue;
                        }
                    };
                    let response = Response {
                        status,
                        body,
                        headers,
                    };
                    let retry_after = response.header("retry-after").and_then(parse_retry_after);
                    match classify(&response) {
                        Verdict::Denied(m) => return Err(CallError::Denied(m)),
                        Verdict::Throttled(message) => {
                            last = Some(CallError::Throttled { attempts, message });
                            retry_after
                        }
                        Verdict::Ok if status >= 500 => {
                            last = Some(CallError::Server {
                                attempts,
                                message: format!("HTTP {status}: {}", snippet(&response.text())),
                            });
                            retry_after
                        }
                        Verdict::Ok => return Ok(response),
                    }
                }
            };
            if attempt + 1 < attempts {
                self.pause(attempt, wait);
            }
        }
        Err(last.unwrap_or(CallError::Timeout { attempts }))
    }

    /// Sleeps before retry `attempt + 1`: `Retry-After` when given (capped), else a random
    /// time up to base × 2^attempt (full jitter), capped.
    fn pause(&self, attempt: u32, retry_after: Option<Duration>) {
        let cap = self.policy.max_delay;
        let delay = match retry_after {
            Some(d) => d.min(cap),
            None => {
                let ceiling = self
                    .policy
                    .base_delay
                    .saturating_mul(1u32 << attempt.min(16))
                    .min(cap);
                ceiling.mul_f64(jitter())
            }
        };
        std::thread::sleep(delay);
    }
}

/// `Retry-After` in seconds (the HTTP-date form is taken as one second).
fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    match v.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Some(Duration::from_secs_f64(s.min(3600.0))),
        _ if !v.is_empty() => Some(Duration::from_secs(1)),
        _ => None,
    }
}

/// A number in [0, 1) that differs between calls and threads (xorshift over the clock).
fn jitter() -> f64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x9e37_79b9_7f4a_7c15)
                | 1,
        );
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// A request or body that failed before an answer: a timeout, or a connection problem.
fn transport_error(e: &reqwest::Error, attempts: u32) -> CallError {
    if e.is_timeout() {
        CallError::Timeout { attempts }
    } else {
        CallError::Transport {
            attempts,
            message: error_chain(e),
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// rustls needs one process-wide crypto provider: ring (the webhook installs the same one).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::from_secs(1))
        );
        assert_eq!(parse_retry_after(""), None);
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }

    #[test]
    fn snippets_are_short_and_one_line() {
        let s = snippet(&"a\nb ".repeat(400));
        assert!(s.len() <= 303 && !s.contains('\n'), "{s}");
    }
}
