//! Search benchmark over the whole shared catalog.
//!
//! `cargo bench -p motcua-search` builds the index from `../shared/data/tthc/*.jsonl`, then
//! runs ~50 realistic phrasings (with and without diacritics, typos, everyday words) from 1
//! and 2 threads sharing one `SearchIndex`, and prints queries/s, p50/p99 latency and the CPU
//! time per query (process CPU time / queries: independent of other load on the machine).
//! Set `BENCH_SECONDS` to change the duration of each run (default 3), `BENCH_ONLY=N` to
//! run the N-th configuration only.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use motcua_search::{SearchIndex, SearchRequest};

const QUERIES: &[&str] = &[
    "dang ky khai sinh",
    "đăng ký khai sinh",
    "cấp lại căn cước",
    "lam lai can cuoc",
    "ly lich tu phap",
    "khai snh",
    "làm lại cccd",
    "cap doi the can cuoc",
    "đăng ký kết hôn",
    "dang ky ket hon co yeu to nuoc ngoai",
    "khai tu",
    "trich luc ho tich",
    "ban sao giay khai sinh",
    "ho chieu",
    "cap ho chieu pho thong",
    "thi thuc",
    "dang ky thuong tru",
    "nhap ho khau",
    "tam tru",
    "so do",
    "cap giay chung nhan quyen su dung dat",
    "giay phep xay dung",
    "xay nha",
    "dang ky kinh doanh",
    "thanh lap doanh nghiep",
    "mo cong ty",
    "ho kinh doanh",
    "bang lai xe may",
    "doi giay phep lai xe",
    "dang ky xe mo to",
    "ma so thue ca nhan",
    "hoan thue gia tri gia tang",
    "thu tuc hai quan xuat khau",
    "bao hiem y te",
    "nuoi con nuoi",
    "chung thuc ban sao",
    "cong chung hop dong",
    "khieu nai",
    "to cao",
    "giay phep moi truong",
    "khai thac khoang san",
    "dang kiem xe",
    "giay phep kinh doanh van tai",
    "cap phep bay",
    "chung khoan",
    "quoc tich viet nam",
    "thay doi ho tich",
    "dang ky giam ho",
    "toi muon lam lai can cuoc o dau",
    "cấp phiếu lý lịch tư pháp số 2",
    "dnag ky khai sinh",
    "giay chung nhan dau tu",
];

type MakeRequest = dyn Fn(&str) -> SearchRequest;

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/tthc"
    ))
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) consumed by the whole process so far, from `/proc/self/stat`
/// (clock ticks of 10 ms). Unlike wall time, it does not depend on other load on the
/// machine: CPU time per query gives the capacity of idle cores.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which ends with ')'): state is field 3, utime 14.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Runs the query list in a loop from `threads` threads for `secs`; returns (queries,
/// wall time, latencies).
fn run(index: &SearchIndex, threads: usize, secs: f64, cached: bool, req: &MakeRequest) -> Run {
    let reqs: Vec<SearchRequest> = QUERIES.iter().map(|q| req(q)).collect();
    let cpu_start = cpu_time();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(secs);
    let mut all = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let reqs = &reqs;
                s.spawn(move || {
                    let mut lat = Vec::with_capacity(1 << 16);
                    let mut i = t * 7;
                    while Instant::now() < deadline {
                        let r = &reqs[i % reqs.len()];
                        let t0 = Instant::now();
                        let res = if cached {
                            index.search(r)
                        } else {
                            index.search_uncached(r)
                        }
                        .expect("search");
                        std::hint::black_box(&res);
                        lat.push(t0.elapsed());
                        i += 1;
                    }
                    lat
                })
            })
            .collect();
        for h in handles {
            all.extend(h.join().expect("bench thread"));
        }
    });
    let wall = start.elapsed();
    let cpu = cpu_start
        .zip(cpu_time())
        .map_or(Duration::ZERO, |(a, b)| b.saturating_sub(a));
    all.sort_unstable();
    Run {
        queries: all.len(),
        wall,
        cpu,
        latencies: all,
    }
}

struct Run {
    queries: usize,
    wall: Duration,
    cpu: Duration,
    latencies: Vec<Duration>,
}

fn report(label: &str, r: Run) {
    let cpu_per_query = r.cpu.as_secs_f64() / r.queries.max(1) as f64;
    println!(
        "{label:<44} {:>7.0} q/s  p50 {:>6.0} µs  p99 {:>7.0} µs  | CPU {:>5.0} µs/query → {:>6.0} q/s per idle core",
        r.queries as f64 / r.wall.as_secs_f64(),
        percentile(&r.latencies, 0.50).as_secs_f64() * 1e6,
        percentile(&r.latencies, 0.99).as_secs_f64() * 1e6,
        cpu_per_query * 1e6,
        if cpu_per_query > 0.0 {
            1.0 / cpu_per_query
        } else {
            0.0
        },
    );
}

fn main() {
    let secs: f64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let dir = data_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("shared data missing: {} ({e})", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let t = Instant::now();
    let mut procs = Vec::new();
    for path in &files {
        let f = File::open(path).expect("open data file");
        let batch = motcua_catalog::parse_reader(BufReader::new(f));
        procs.extend(batch.procedures.into_iter().map(|p| p.procedure));
    }
    let parse_time = t.elapsed();
    let docs: Vec<motcua_search::SearchDoc> = procs.iter().map(Into::into).collect();
    drop(procs);
    let rss_before = rss_kib();
    let t = Instant::now();
    let index = SearchIndex::build(docs).expect("index builds");
    let build_time = t.elapsed();
    let rss_after = rss_kib();
    let stats = index.stats();
    println!(
        "catalog: {} procedures parsed in {:.2?}; index built in {:.2?}",
        stats.documents, parse_time, build_time
    );
    println!(
        "memory: tantivy index {:.1} MiB, side data {:.1} MiB, RSS {} → {} MiB ({} segment(s))",
        stats.index_bytes as f64 / 1048576.0,
        stats.side_bytes as f64 / 1048576.0,
        rss_before.map_or(0, |k| k / 1024),
        rss_after.map_or(0, |k| k / 1024),
        stats.segments,
    );

    // Per-query latency, to spot outliers.
    let mut per_query: Vec<(Duration, &str, usize)> = QUERIES
        .iter()
        .map(|q| {
            let req = SearchRequest::new(*q);
            let _ = index.search_uncached(&req);
            let t = Instant::now();
            let mut total = 0;
            for _ in 0..20 {
                total = index.search_uncached(&req).expect("search").total;
            }
            (t.elapsed() / 20, *q, total)
        })
        .collect();
    per_query.sort_by_key(|q| std::cmp::Reverse(q.0));
    println!("slowest queries (page of 10 with snippets):");
    for (d, q, total) in per_query.iter().take(8) {
        println!(
            "  {:>8.1} µs  {q:?} ({total} results)",
            d.as_secs_f64() * 1e6
        );
    }

    let with_snippets = |q: &str| SearchRequest::new(q);
    let no_snippets = |q: &str| SearchRequest::new(q).snippets(false);
    println!("engine (result cache bypassed):");
    let runs: [(&str, usize, bool, &MakeRequest); 7] = [
        ("  1 thread, 10 hits + snippets", 1, false, &with_snippets),
        ("  2 threads, 10 hits + snippets", 2, false, &with_snippets),
        ("  1 thread, 10 hits, no snippets", 1, false, &no_snippets),
        ("  2 threads, 10 hits, no snippets", 2, false, &no_snippets),
        (
            "  20 threads, 10 hits + snippets",
            20,
            false,
            &with_snippets,
        ),
        (
            "cached: 2 threads, 10 hits + snippets",
            2,
            true,
            &with_snippets,
        ),
        (
            "cached: 20 threads, 10 hits + snippets",
            20,
            true,
            &with_snippets,
        ),
    ];
    // BENCH_ONLY=N runs the N-th configuration only (for profiling).
    let only: Option<usize> = std::env::var("BENCH_ONLY")
        .ok()
        .and_then(|s| s.parse().ok());
    for (i, (label, threads, cached, req)) in runs.into_iter().enumerate() {
        if only.is_none_or(|o| o == i) {
            report(label, run(&index, threads, secs, cached, req));
        }
    }

    let prefixes = [
        "dang ky kh",
        "cap lai th",
        "ho ch",
        "ly li",
        "giay phep xa",
        "thu tuc",
    ];
    let t = Instant::now();
    let mut n = 0;
    while t.elapsed() < Duration::from_secs_f64(secs.min(1.0)) {
        for p in prefixes {
            std::hint::black_box(index.suggest(p, 8));
            n += 1;
        }
    }
    println!(
        "suggest (1 thread): {:.0} calls/s, {:.1} µs mean",
        n as f64 / t.elapsed().as_secs_f64(),
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
