// mimalloc: the evaluator and loaders allocate many small short-lived values; glibc's malloc
// and free were a fifth of the CPU samples of a Kubernetes scan.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: natural::MiMalloc = natural::MiMalloc;

/// mimalloc as the global allocator, through its plain `mi_malloc` wherever that is aligned
/// enough. The `mimalloc` crate's allocator asks for every block through `mi_malloc_aligned`,
/// which tests the alignment and looks for a free block of a suitably aligned address before
/// allocating as `mi_malloc` does: on a Bicep scan (11.5 million allocations and
/// reallocations) that was 3 % of the scan's instructions. mimalloc guarantees its blocks are
/// aligned to their size's largest power of two up to 16 bytes (`mi_malloc_is_naturally_aligned`
/// in its `alloc-aligned.c`, the test `mi_malloc_aligned` makes first); other layouts go
/// through the aligned functions as before.
#[cfg(feature = "mimalloc")]
mod natural {
    use std::alloc::{GlobalAlloc, Layout};
    use std::ffi::c_void;

    use libmimalloc_sys as mi;

    /// mimalloc's `MI_MAX_ALIGN_SIZE`.
    const MAX_NATURAL_ALIGN: usize = 16;

    pub struct MiMalloc;

    /// `mi_malloc`'s blocks are aligned enough for `layout`.
    #[inline]
    fn natural(align: usize, size: usize) -> bool {
        align <= MAX_NATURAL_ALIGN && align <= size
    }

    /// A block for `layout` from `plain` (a mimalloc function taking a size) when mimalloc's
    /// natural alignment suffices, else from `aligned` (its form taking an alignment too).
    #[inline(always)]
    unsafe fn block(
        layout: Layout,
        plain: unsafe extern "C" fn(usize) -> *mut c_void,
        aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
    ) -> *mut u8 {
        // SAFETY: mimalloc's allocation functions take any size, and any power-of-two
        // alignment (which `Layout` guarantees).
        unsafe {
            if natural(layout.align(), layout.size()) {
                plain(layout.size())
            } else {
                aligned(layout.size(), layout.align())
            }
        }
        .cast()
    }

    // SAFETY: each function keeps GlobalAlloc's contract with mimalloc's: blocks come from
    // mimalloc, are aligned as the layout asks (`natural`, else the aligned functions), and
    // every block is freed or reallocated by mimalloc, which takes any block it allocated.
    unsafe impl GlobalAlloc for MiMalloc {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: see the impl.
            unsafe { block(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
        }

        #[inline]
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: see the impl.
            unsafe { block(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
        }

        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
            // SAFETY: see the impl.
            unsafe { mi::mi_free(ptr.cast::<c_void>()) }
        }

        #[inline]
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: see the impl. The new block must be aligned for `new_size` too.
            unsafe {
                if natural(layout.align(), new_size) {
                    mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
                } else {
                    mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
                }
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Every block is aligned as its layout asks, through both paths and after growing
        /// and shrinking, and keeps its contents.
        #[test]
        fn blocks_are_aligned_as_their_layouts_ask() {
            let sizes = (1..=96).chain([127, 128, 1000, 1024, 5000, 70_000]);
            for size in sizes {
                for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                    let Ok(layout) = Layout::from_size_align(size, align) else {
                        continue;
                    };
                    // SAFETY: layouts of non-zero size; each block is freed once, by us.
                    unsafe {
                        let p = MiMalloc.alloc(layout);
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0, "alloc {size} bytes, align {align}");
                        p.write_bytes(0xa5, size);
                        let z = MiMalloc.alloc_zeroed(layout);
                        assert_eq!(z as usize % align, 0, "zalloc {size}, align {align}");
                        assert!(std::slice::from_raw_parts(z, size).iter().all(|b| *b == 0));
                        MiMalloc.dealloc(z, layout);
                        MiMalloc.dealloc(p, layout);
                        // Grown, then shrunk: aligned still, contents kept.
                        for new_size in [size * 3, size.div_ceil(2)] {
                            let p = MiMalloc.alloc(layout);
                            p.write_bytes(0xa5, size);
                            let q = MiMalloc.realloc(p, layout, new_size);
                            assert_eq!(q as usize % align, 0, "realloc {size} -> {new_size}");
                            let kept = std::slice::from_raw_parts(q, size.min(new_size));
                            assert!(kept.iter().all(|b| *b == 0xa5));
                            MiMalloc.dealloc(q, Layout::from_size_align_unchecked(new_size, align));
                        }
                    }
                }
            }
        }
    }
}

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
