fn main() -> std::process::ExitCode {
    motcua::cli::run()
}
