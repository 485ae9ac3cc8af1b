//! Giving freed memory back between the phases of a scan.
//!
//! mimalloc (the global allocator, feature `mimalloc`) keeps the pages freed in each thread
//! for that thread to reuse, and returns them to the system only some time after they empty
//! (`purge_delay`, 10 ms). A scan's phases allocate on different threads: loading and
//! evaluation on the rayon workers, the report on the command's thread. Pages the workers
//! freed stayed resident while the command's thread grew beside them, so the resident set's
//! peak was the sum of the phases', not the largest of them.

/// Returns the pages freed so far in every thread of the rayon pool and in the caller's to
/// the system. Costs a pass over each thread's heap; called between phases, not within them.
pub fn release_freed() {
    #[cfg(feature = "mimalloc")]
    {
        // Links mimalloc into builds of the library alone (its tests), which do not install
        // it as the allocator but call it here.
        use libmimalloc_sys as _;
        unsafe extern "C" {
            /// mimalloc's `mi_collect` (`mimalloc.h`): frees what it can of the calling
            /// thread's heap; with `force`, also purges freed pages at once.
            fn mi_collect(force: bool);
        }
        // SAFETY: `mi_collect` takes no pointers and may be called from any thread that
        // allocates with mimalloc (the build links it through `libmimalloc-sys`).
        rayon::broadcast(|_| unsafe { mi_collect(true) });
        // SAFETY: as above.
        unsafe { mi_collect(true) };
    }
}

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h` of the vendored version 2, pinned by
/// `Cargo.lock` through `libmimalloc-sys`): how long, in milliseconds, freed pages wait
/// before they go back to the system (10 by default). The crate's bindings do not name it.
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

#[cfg(feature = "mimalloc")]
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// From now on, pages go back to the system as soon as they are free (mimalloc's
/// `purge_delay` 0) instead of 10 ms later. Called by a scan of a whole graph before it is
/// evaluated: the freed pages that waited were ~3 MiB of the Kubernetes scan's peak, and the
/// evaluation took no longer. Not before loading, which frees much more, more often (purging
/// at once throughout cost that scan 8 % of its time), nor for Bicep deployments, which load
/// while they are evaluated.
pub fn purge_freed_at_once() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: `mi_option_set` takes no pointers; options may be set at any time, from any
    // thread (mimalloc reads them as relaxed atomics).
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, 0)
    };
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    /// The option number is the purge delay's: its default is 10 ms, and nothing in the
    /// library's tests sets it.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: as in `purge_freed_at_once`.
        assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 10);
    }
}
