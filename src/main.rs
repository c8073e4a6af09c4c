use clap::Parser;

fn main() {
    restore_default_sigpipe();
    let cli = llm_lab::cli::Cli::parse();
    if let Err(err) = llm_lab::cli::run(cli) {
        eprintln!("llm-lab: {err:#}");
        std::process::exit(1);
    }
}

/// Rust ignores SIGPIPE, so `llm-lab dump ... | head` would panic on the closed pipe. Restoring
/// the default makes the process end quietly instead, as command-line tools do.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
