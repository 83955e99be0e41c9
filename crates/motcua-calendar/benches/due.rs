//! Due-date throughput: plain `main` (no criterion), single thread, so the figures are per
//! core. Run with `cargo bench -p motcua-calendar`.

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, TimeZone};
use motcua_calendar::{Duration, WorkCalendar, WorkWeek, vietnam};

/// Reception moments spread over 2000–2090 (a fixed linear congruential sequence, so every
/// run measures the same work), with durations 1–60.
fn inputs(count: usize) -> Vec<(DateTime<FixedOffset>, u32)> {
    let start = vietnam()
        .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let span = 90 * 365 * 86_400u64;
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..count)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let at = start + ((x >> 16) % span) as i64;
            let t = vietnam().timestamp_opt(at, 0).unwrap();
            (t, 1 + ((x >> 8) % 60) as u32)
        })
        .collect()
}

fn measure(
    label: &str,
    cal: &WorkCalendar,
    inputs: &[(DateTime<FixedOffset>, u32)],
    make: fn(u32) -> Duration,
) {
    const ROUNDS: usize = 20;
    // Warm up.
    for &(t, n) in inputs {
        black_box(cal.due(black_box(t), make(n)).unwrap());
    }
    let began = Instant::now();
    for _ in 0..ROUNDS {
        for &(t, n) in inputs {
            black_box(cal.due(black_box(t), black_box(make(n))).unwrap());
        }
    }
    let elapsed = began.elapsed();
    let count = (ROUNDS * inputs.len()) as f64;
    let per_second = count / elapsed.as_secs_f64();
    println!(
        "{label:<40} {:>8.2} M due dates/s per core  ({:>6.1} ns each)",
        per_second / 1e6,
        elapsed.as_nanos() as f64 / count
    );
}

fn main() {
    let began = Instant::now();
    let cal = WorkCalendar::standard();
    println!(
        "build WorkCalendar 1990–2100 (standard week, bundled notices): {:.1} ms",
        began.elapsed().as_secs_f64() * 1e3
    );
    let began = Instant::now();
    let sat = cal.with_week(WorkWeek::with_saturday_morning()).unwrap();
    println!(
        "build WorkCalendar 1990–2100 (Saturday mornings):             {:.1} ms",
        began.elapsed().as_secs_f64() * 1e3
    );
    let inputs = inputs(100_000);
    measure("WorkingDays(1..60)", &cal, &inputs, Duration::WorkingDays);
    measure("WorkingHours(1..60)", &cal, &inputs, Duration::WorkingHours);
    measure("Days(1..60)", &cal, &inputs, Duration::Days);
    measure("Months(1..60)", &cal, &inputs, Duration::Months);
    measure(
        "WorkingDays(1..60), Saturday mornings",
        &sat,
        &inputs,
        Duration::WorkingDays,
    );
    measure(
        "WorkingHours(1..60), Saturday mornings",
        &sat,
        &inputs,
        Duration::WorkingHours,
    );
}
