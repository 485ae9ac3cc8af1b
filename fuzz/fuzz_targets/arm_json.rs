//! Fuzzes the loader of `azuredeploy.json` files (see common.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::load_as("azuredeploy.json", data));
