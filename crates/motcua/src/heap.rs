//! The global allocator and its statistics. Every allocation, the embedded SQLite's too, goes
//! to jemalloc (see Cargo.toml; its options in .cargo/config.toml) — in the binary and in the
//! tests, which link this library. Its totals feed `/metrics` (`process_heap_bytes`) and the
//! start-up log: how much of the process's memory the program holds, and how much the
//! allocator keeps beside it.

use motcua_web::HeapStats;

#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Reads jemalloc's totals after refreshing them (`epoch`); `None` where the binary does not
/// use jemalloc or a read fails.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
pub fn stats() -> Option<HeapStats> {
    use tikv_jemalloc_ctl::{epoch, stats};
    epoch::advance().ok()?;
    let read = |r: tikv_jemalloc_ctl::Result<usize>| r.ok().map(|v| v as u64);
    Some(HeapStats {
        allocated: read(stats::allocated::read())?,
        active: read(stats::active::read())?,
        resident: read(stats::resident::read())?,
        metadata: read(stats::metadata::read())?,
        retained: read(stats::retained::read())?,
    })
}

#[cfg(not(all(target_os = "linux", not(target_env = "musl"))))]
pub fn stats() -> Option<HeapStats> {
    None
}

#[cfg(test)]
mod tests {
    #[cfg(all(target_os = "linux", not(target_env = "musl")))]
    #[test]
    fn figures_follow_what_the_program_holds() {
        let before = super::stats().expect("jemalloc statistics");
        let block = vec![7u8; 64 << 20];
        let during = super::stats().expect("jemalloc statistics");
        assert!(
            during.allocated >= before.allocated + (60 << 20),
            "{before} → {during}"
        );
        assert!(during.resident >= during.active && during.active >= during.allocated);
        drop(block);
        let after = super::stats().expect("jemalloc statistics");
        assert!(
            after.allocated + (60 << 20) <= during.allocated,
            "{during} → {after}"
        );
    }
}
