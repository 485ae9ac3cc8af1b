fn main() -> std::process::ExitCode {
    tenet::cli::main()
}
