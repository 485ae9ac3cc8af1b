// mimalloc: the evaluator and loaders allocate many small short-lived values; glibc's malloc
// and free were a fifth of the CPU samples of a Kubernetes scan.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
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
