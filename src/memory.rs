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
