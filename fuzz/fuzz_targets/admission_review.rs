//! Fuzzes the admission webhook's review: an AdmissionReview body is parsed, its object loaded
//! and judged by the built-in rules, as `tenet serve` does for every request.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tenet::admission::{self, Reviewer, Sources};

fn reviewer() -> &'static Reviewer {
    static R: OnceLock<Reviewer> = OnceLock::new();
    R.get_or_init(|| Reviewer::load(&Sources::default()).expect("the built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = admission::parse(data) {
        let verdict = reviewer().review(&request);
        let _ = verdict;
    }
});
