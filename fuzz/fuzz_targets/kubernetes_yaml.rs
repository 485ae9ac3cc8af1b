//! Fuzzes the loader of `manifest.yaml` files (see common.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::load_as("manifest.yaml", data));
