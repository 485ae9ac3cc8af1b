// mimalloc: the evaluator and loaders allocate many small short-lived values; glibc's malloc
// and free were a fifth of the CPU samples of a Kubernetes scan.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// tree-sitter (the Bicep parser) allocates its syntax trees with the C library's malloc
/// unless told otherwise. Two allocators side by side cost memory: the trees of a Bicep scan
/// (~160 MB on the corpus) stayed resident in glibc's arenas after they were freed, and the
/// evaluation that follows grew mimalloc's heap beside them. Routed into mimalloc, the
/// evaluation reuses their pages.
#[cfg(feature = "mimalloc")]
mod tree_sitter_alloc {
    use std::ffi::c_void;

    unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
        // SAFETY: mimalloc's malloc has the C library's contract.
        unsafe { libmimalloc_sys::mi_malloc(size) }
    }

    unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        match count.checked_mul(size) {
            // SAFETY: a zeroed block of `total` bytes, as calloc gives.
            Some(total) => unsafe { libmimalloc_sys::mi_zalloc(total) },
            None => std::ptr::null_mut(),
        }
    }

    unsafe extern "C" fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
        // SAFETY: `ptr` came from the functions above (tree-sitter frees and reallocates
        // only what it allocated, and every allocation goes through here).
        unsafe { libmimalloc_sys::mi_realloc(ptr, size) }
    }

    unsafe extern "C" fn free(ptr: *mut c_void) {
        // SAFETY: as for `realloc`.
        unsafe { libmimalloc_sys::mi_free(ptr) }
    }

    /// Must run before tree-sitter allocates anything (first thing in `main`).
    pub fn install() {
        // SAFETY: called once, before any other thread starts and before any parser or tree
        // exists, so no block can be freed by an allocator other than its own.
        unsafe {
            tree_sitter::set_allocator(Some(malloc), Some(calloc), Some(realloc), Some(free));
        }
    }
}

fn main() -> std::process::ExitCode {
    #[cfg(feature = "mimalloc")]
    tree_sitter_alloc::install();
    // The command runs on a thread with a large stack (reserved, not committed): loaders,
    // the evaluator and the serializers recurse over nested values, bounded in depth (256
    // levels) but not in frame size, which is large in debug builds.
    match std::thread::Builder::new()
        .name("tenet".into())
        .stack_size(tenet::cli::MAIN_STACK_BYTES)
        .spawn(tenet::cli::main)
    {
        Ok(handle) => handle.join().unwrap_or(std::process::ExitCode::from(101)),
        Err(e) => {
            eprintln!("error: cannot start the main thread: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
