use clap::Parser;

fn main() {
    let cli = llm_lab::cli::Cli::parse();
    if let Err(err) = llm_lab::cli::run(cli) {
        eprintln!("llm-lab: {err:#}");
        std::process::exit(1);
    }
}
