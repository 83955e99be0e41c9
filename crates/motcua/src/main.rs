// The global allocator (jemalloc) is set in the library, src/heap.rs.
fn main() -> std::process::ExitCode {
    motcua::cli::run()
}
