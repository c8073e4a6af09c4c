//! Keeping freed memory in the process. Every step allocates and frees the same large buffers;
//! by default glibc hands big blocks back to the kernel on free, so the next step pays a page
//! fault (and the kernel zeroes the page) for every 4 KiB touched: over a tenth of a small
//! model's step. Raising glibc's mmap and trim thresholds keeps those blocks for reuse.

use std::sync::Once;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    fn mallopt(param: i32, value: i32) -> i32;
}

/// Asks the C allocator, once per process, to keep freed blocks of up to 256 MiB for reuse, in
/// one arena shared by all threads.
/// Peak memory is unchanged; memory is simply not returned between steps. No-op off glibc.
pub fn retain_freed_memory() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            const M_TRIM_THRESHOLD: i32 = -1;
            const M_MMAP_THRESHOLD: i32 = -3;
            const M_ARENA_MAX: i32 = -8;
            // SAFETY: mallopt only changes allocator tuning parameters; it is thread-safe.
            unsafe {
                mallopt(M_MMAP_THRESHOLD, 256 << 20);
                mallopt(M_TRIM_THRESHOLD, 512 << 20);
                // engine work runs on pool threads; their own arenas live in 64 MiB heaps that
                // are unmapped when empty, so share the main arena, which honours the thresholds
                mallopt(M_ARENA_MAX, 1);
            }
        }
    });
}
