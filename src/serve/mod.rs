//! `tenet serve`: the validating admission webhook.
//!
//! HTTPS only (rustls with the ring provider). Routes: `POST /validate` (AdmissionReview
//! v1), `GET /healthz` (the process answers), `GET /readyz` (policies are loaded and the
//! server is not shutting down), `GET /metrics` (OpenMetrics text).
//!
//! Each review is judged on a blocking thread under the review deadline; past it, the answer
//! is what `on_error` says (deny or allow, to match the webhook's `failurePolicy`). Policies,
//! configuration and exceptions are loaded in the background at start (the server answers
//! health checks meanwhile, and is not ready) and again on SIGHUP: a reload that fails keeps
//! the policies in service, and reviews under way finish on the policies they started with.
//! The serving certificate and key are read again when their files change (cert-manager
//! rotates them in place). SIGTERM and SIGINT stop accepting connections, finish the reviews
//! under way (up to the grace period) and exit.

mod log;
pub mod metrics;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use serde_json::json;

use crate::admission::{self, Reviewer, Sources, Verdict};
use metrics::Metrics;

/// Default largest request body: an AdmissionReview carries the object and, on updates, the
/// old object; etcd stores objects up to 1.5 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub tls_cert: PathBuf,
    pub tls_key: PathBuf,
    pub sources: Sources,
    pub max_body_bytes: usize,
    /// How often the certificate files are checked for a change.
    pub cert_check: Duration,
    /// Longest wait for reviews under way at shutdown.
    pub shutdown_grace: Duration,
    /// How long to go on serving, not ready, after SIGTERM before closing the listener: the
    /// time for Kubernetes to take the pod out of the Service's endpoints.
    pub shutdown_delay: Duration,
    /// Worker threads for the server (reviews run on the blocking pool).
    pub threads: Option<usize>,
}

struct AppState {
    reviewer: ArcSwapOption<Reviewer>,
    metrics: Metrics,
    sources: Sources,
    stopping: AtomicBool,
    reloading: tokio::sync::Mutex<()>,
}

/// Runs the server until it is told to stop. Errors are those that prevent it from serving
/// at all (no certificate, an address in use, policies that do not load at start).
pub fn run(opts: Options) -> Result<(), String> {
    // One crypto provider for the process (a second one linked in would leave rustls without
    // a default).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = opts.threads {
        builder.worker_threads(n.max(1));
    }
    let runtime = builder
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: Options) -> Result<(), String> {
    let (cert, key) = read_pair(&opts).await?;
    let tls = RustlsConfig::from_pem(cert.clone(), key.clone())
        .await
        .map_err(|e| {
            format!(
                "cannot use the certificate {} and key {}: {e}",
                opts.tls_cert.display(),
                opts.tls_key.display()
            )
        })?;
    let state = Arc::new(AppState {
        reviewer: ArcSwapOption::empty(),
        metrics: Metrics::new(),
        sources: opts.sources.clone(),
        stopping: AtomicBool::new(false),
        reloading: tokio::sync::Mutex::new(()),
    });
    let app = router(state.clone(), opts.max_body_bytes);
    let handle: Handle<SocketAddr> = Handle::new();
    let server = axum_server::bind_rustls(opts.listen, tls.clone())
        .handle(handle.clone())
        .serve(app.into_make_service());
    let serving = tokio::spawn(server);
    let Some(addr) = handle.listening().await else {
        return match serving.await {
            Ok(Err(e)) => Err(format!("cannot listen on {}: {e}", opts.listen)),
            _ => Err(format!("cannot listen on {}", opts.listen)),
        };
    };
    log::info(
        "listening",
        json!({"address": addr.to_string(), "version": env!("CARGO_PKG_VERSION")}),
    );

    // Policies load in the background; until then the server is alive but not ready.
    if let Err(errors) = reload(&state, "start").await {
        handle.shutdown();
        let _ = serving.await;
        return Err(format!("the policies did not load:\n{}", errors.join("\n")));
    }
    tokio::spawn(watch_certificate(
        tls,
        opts.clone(),
        (cert, key),
        state.clone(),
    ));
    tokio::spawn(signals(
        state.clone(),
        handle.clone(),
        opts.shutdown_delay,
        opts.shutdown_grace,
    ));
    match serving.await {
        Ok(Ok(())) => {
            log::info("stopped", json!({}));
            Ok(())
        }
        Ok(Err(e)) => Err(format!("the server failed: {e}")),
        Err(e) => Err(format!("the server failed: {e}")),
    }
}

fn router(state: Arc<AppState>, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/validate", post(validate))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics_text))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

async fn ready(State(state): State<Arc<AppState>>) -> Response {
    if state.stopping.load(Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response()
    } else if state.reviewer.load().is_none() {
        (StatusCode::SERVICE_UNAVAILABLE, "policies not loaded yet").into_response()
    } else {
        "ready".into_response()
    }
}

async fn metrics_text(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}

async fn validate(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let started = Instant::now();
    let Some(reviewer) = state.reviewer.load_full() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "policies not loaded yet\n").into_response();
    };
    let request = match admission::parse(&body) {
        Ok(r) => Arc::new(r),
        Err(e) => {
            state.metrics.bad_requests.inc();
            log::warn("bad request", json!({"error": e.0}));
            return (StatusCode::BAD_REQUEST, format!("{}\n", e.0)).into_response();
        }
    };
    let deadline = reviewer.deadline;
    let job = {
        let (reviewer, request) = (reviewer.clone(), request.clone());
        tokio::task::spawn_blocking(move || reviewer.review(&request))
    };
    let verdict = match tokio::time::timeout(deadline, job).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => reviewer.failed(&request, format!("the review failed: {e}")),
        Err(_) => {
            state.metrics.deadline_exceeded.inc();
            reviewer.failed(
                &request,
                format!(
                    "the review did not finish within its {} ms deadline",
                    deadline.as_millis()
                ),
            )
        }
    };
    let elapsed = started.elapsed();
    record(&state, &request, &verdict, elapsed);
    axum::Json(verdict.response.into_review()).into_response()
}

/// Counts and logs one review.
fn record(
    state: &AppState,
    request: &kube_core::admission::AdmissionRequest<kube_core::DynamicObject>,
    verdict: &Verdict,
    elapsed: Duration,
) {
    let m = &state.metrics;
    let dry_run = request.dry_run.to_string();
    m.latency.observe(elapsed.as_secs_f64());
    m.reviews
        .get_or_create(&vec![
            ("decision", verdict.decision.as_str().to_string()),
            ("dry_run", dry_run.clone()),
        ])
        .inc();
    for (mode, f) in &verdict.violations {
        m.violations
            .get_or_create(&vec![
                ("rule", f.rule_id.clone()),
                ("mode", mode.as_str().to_string()),
                ("dry_run", dry_run.clone()),
            ])
            .inc();
    }
    for (rule, _) in &verdict.excepted {
        m.excepted
            .get_or_create(&vec![("rule", rule.clone())])
            .inc();
    }
    for e in &verdict.errors {
        m.policy_errors
            .get_or_create(&vec![("rule", e.rule_id.clone())])
            .inc();
    }
    let object = request.object.as_ref().map(|o| &o.metadata);
    let fields = json!({
        "uid": request.uid,
        "operation": format!("{:?}", request.operation).to_uppercase(),
        "kind": request.kind.kind,
        "namespace": request.namespace,
        "name": object.and_then(|m| m.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| request.name.clone()),
        "user": request.user_info.username,
        "dry_run": request.dry_run,
        "decision": verdict.decision.as_str(),
        "allowed": verdict.response.allowed,
        // An enforced violation of a dry run is reported, never recorded as enforcement.
        "enforced": verdict.decision == admission::Decision::Denied && !request.dry_run,
        "violations": verdict.violations.iter().map(|(mode, f)| json!({
            "rule": f.rule_id, "mode": mode.as_str(), "severity": f.severity.as_str(),
            "message": f.message, "attribute": f.attribute,
        })).collect::<Vec<_>>(),
        "excepted": verdict.excepted.iter().map(|(rule, source)| json!({"rule": rule, "exception": source})).collect::<Vec<_>>(),
        "errors": verdict.errors.iter().map(|e| json!({"rule": e.rule_id, "message": e.message})).collect::<Vec<_>>(),
        "duration_ms": (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
    });
    if verdict.decision == admission::Decision::Failed || !verdict.errors.is_empty() {
        log::error("review", fields);
    } else {
        log::info("review", fields);
    }
}

/// Loads the policies (on a blocking thread) and puts them in service. Reloads never overlap.
async fn reload(state: &Arc<AppState>, cause: &str) -> Result<(), Vec<String>> {
    let _one = state.reloading.lock().await;
    let started = Instant::now();
    let sources = state.sources.clone();
    let loaded = tokio::task::spawn_blocking(move || Reviewer::load(&sources))
        .await
        .unwrap_or_else(|e| Err(vec![format!("loading the policies failed: {e}")]));
    let m = &state.metrics;
    match loaded {
        Ok(reviewer) => {
            m.reloads
                .get_or_create(&vec![("result", "success".to_string())])
                .inc();
            let per_mode = reviewer.rules_per_mode();
            m.rules.clear();
            for (mode, n) in &per_mode {
                m.rules
                    .get_or_create(&vec![("mode", (*mode).to_string())])
                    .set(i64::try_from(*n).unwrap_or(i64::MAX));
            }
            log::info(
                "policies loaded",
                json!({
                    "cause": cause,
                    "rules": reviewer.rule_count(),
                    "modes": per_mode,
                    "deadline_ms": reviewer.deadline.as_millis(),
                    "on_error": format!("{:?}", reviewer.on_error).to_lowercase(),
                    "duration_ms": started.elapsed().as_millis(),
                }),
            );
            state.reviewer.store(Some(Arc::new(reviewer)));
            Ok(())
        }
        Err(errors) => {
            m.reloads
                .get_or_create(&vec![("result", "failure".to_string())])
                .inc();
            log::error(
                "policies did not load",
                json!({"cause": cause, "errors": errors, "kept_previous": state.reviewer.load().is_some()}),
            );
            Err(errors)
        }
    }
}

async fn read_pair(opts: &Options) -> Result<(Vec<u8>, Vec<u8>), String> {
    let cert = tokio::fs::read(&opts.tls_cert).await.map_err(|e| {
        format!(
            "cannot read the certificate {}: {e}",
            opts.tls_cert.display()
        )
    })?;
    let key = tokio::fs::read(&opts.tls_key)
        .await
        .map_err(|e| format!("cannot read the key {}: {e}", opts.tls_key.display()))?;
    Ok((cert, key))
}

/// Reads the certificate and key again whenever their content changes (files replaced in
/// place, or a Secret volume's symlink swapped). A pair that does not load is logged and the
/// one in service stays.
async fn watch_certificate(
    tls: RustlsConfig,
    opts: Options,
    mut current: (Vec<u8>, Vec<u8>),
    state: Arc<AppState>,
) {
    let mut tick = tokio::time::interval(opts.cert_check);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Ok(pair) = read_pair(&opts).await else {
            continue;
        };
        if pair == current {
            continue;
        }
        let result = tls.reload_from_pem(pair.0.clone(), pair.1.clone()).await;
        let outcome = if result.is_ok() { "success" } else { "failure" };
        state
            .metrics
            .cert_reloads
            .get_or_create(&vec![("result", outcome.to_string())])
            .inc();
        match result {
            Ok(()) => log::info(
                "certificate reloaded",
                json!({"cert": opts.tls_cert.display().to_string()}),
            ),
            Err(e) => log::error(
                "certificate did not reload; the previous one stays in service",
                json!({"cert": opts.tls_cert.display().to_string(), "error": e.to_string()}),
            ),
        }
        // A half-written pair is tried again when it changes again.
        current = pair;
    }
}

/// SIGHUP reloads the policies; SIGTERM and SIGINT stop the server gracefully.
async fn signals(
    state: Arc<AppState>,
    handle: Handle<SocketAddr>,
    delay: Duration,
    grace: Duration,
) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut hup), Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            log::error("cannot install signal handlers", json!({}));
            return;
        };
        loop {
            tokio::select! {
                _ = hup.recv() => {
                    let state = state.clone();
                    tokio::spawn(async move { let _ = reload(&state, "SIGHUP").await; });
                }
                _ = term.recv() => break,
                _ = int.recv() => break,
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    state.stopping.store(true, Ordering::SeqCst);
    log::info(
        "shutting down",
        json!({"delay_seconds": delay.as_secs_f64(), "grace_seconds": grace.as_secs_f64()}),
    );
    tokio::time::sleep(delay).await;
    log::info(
        "closing the listener",
        json!({"open_connections": handle.connection_count()}),
    );
    handle.graceful_shutdown(Some(grace));
}
