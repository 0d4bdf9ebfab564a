//! A small synthetic run for the chart and report tests (tests/charts.rs, tests/report.rs).
//!
//! Its numbers come from a fixed generator, not from the model, so snapshots of chart data and of
//! `report.md` change only when charts or reports change. It holds the odd cases charts must
//! survive: entity names with spaces and slashes, a producer and a route that are zero in every
//! trial, an asset without capacity, a route shared by two producers, float noise around zero.

use corridor::model::metrics::{Kind, Layout, Optional};
use corridor::output::{Results, RunInfo};
use corridor::stats::Collector;

pub struct Fixture {
    pub results: Results,
    pub collector: Collector,
    /// `(route, producers)`.
    pub routes: Vec<(String, Vec<String>)>,
    pub info: RunInfo,
}

/// SplitMix64: a tiny, fixed generator of uniforms in [0, 1).
struct Uniforms(u64);

impl Uniforms {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn synthetic(trials: u64) -> Fixture {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let producers = s(&["Kazakhstan", "Azer/baijan", "Zero Land"]);
    let routes = s(&["CPC", "Route B/C", "Shared One", "Dead Route"]);
    let owners = s(&["CPC Co"]);
    let assets = s(&["Pipe A", "Zero Cap"]);
    let years: Vec<i32> = (2025..=2027).collect();
    let layout = Layout::new(
        &producers,
        &routes,
        &owners,
        &assets,
        &[5.0],
        &Optional::default(),
    );
    let mut collector = Collector::new(layout.len(), years.len());
    let mut u = Uniforms(7);

    for trial in 0..trials {
        let mut horizon = vec![0.0; layout.len()];
        for t in 0..years.len() {
            let mut v = vec![0.0; layout.len()];
            let price = 60.0 + 30.0 * u.next();
            let netback = 7.5 * price - 40.0;
            // Kazakhstan: CPC (60 Mt/yr) loses capacity in 30% of years; the shared route takes
            // up to 5 Mt of the rest; what remains is stranded.
            let supply = 70.0 + 8.0 * u.next() + t as f64;
            let hit = u.next();
            let lost_share = if hit < 0.3 { 0.5 * u.next() } else { 0.0 };
            let cpc = supply.min(60.0 * (1.0 - lost_share));
            let shared = (supply - cpc).min(5.0);
            let cpc0 = supply.min(60.0);
            let shared0 = (supply - cpc0).min(5.0);
            let exported = cpc + shared;
            let lost = (cpc0 + shared0) - exported;
            let k = 0;
            v[layout.producer(Kind::ExportSupply, k)] = supply;
            v[layout.producer(Kind::ExportVolume, k)] = exported;
            v[layout.producer(Kind::StrandedVolume, k)] = supply - exported;
            v[layout.stranded_over(0, k)] = if supply - exported > 5.0 { 1.0 } else { 0.0 };
            v[layout.producer(Kind::LostVolume, k)] = lost;
            v[layout.producer(Kind::Revenue, k)] = exported * netback;
            v[layout.producer(Kind::RevenueUndisrupted, k)] = (cpc0 + shared0) * netback;
            // Paired differences carry float noise around zero, as in real runs.
            v[layout.producer(Kind::LostRevenue, k)] = lost * netback + (u.next() - 0.5) * 1e-11;
            v[layout.producer(Kind::TariffsPaid, k)] = exported * 40.0;
            // Azer/baijan: declining supply, all of it shipped, never disrupted.
            let az = 25.0 - t as f64 + 2.0 * u.next();
            let a = 1;
            v[layout.producer(Kind::ExportSupply, a)] = az;
            v[layout.producer(Kind::ExportVolume, a)] = az;
            v[layout.producer(Kind::Revenue, a)] = az * netback;
            v[layout.producer(Kind::RevenueUndisrupted, a)] = az * netback;
            v[layout.producer(Kind::TariffsPaid, a)] = az * 10.0;
            // "Zero Land" stays 0 throughout.
            v[layout.route(0)] = cpc;
            v[layout.route(1)] = az;
            v[layout.route(2)] = shared;
            v[layout.owner(0)] = cpc * 38.0;
            v[layout.utilisation(0)] = cpc / 60.0;
            v[layout.outage_days(0)] = if lost_share > 0.0 {
                60.0 * u.next()
            } else {
                0.0
            };
            v[layout.price()] = price;
            collector.year(t, &v);
            let max_from = layout.max_from();
            for (i, (h, x)) in horizon.iter_mut().zip(&v).enumerate() {
                *h = if i < max_from { *h + x } else { h.max(*x) };
            }
        }
        let n = years.len() as f64;
        horizon[layout.utilisation(0)] /= n;
        horizon[layout.utilisation(1)] /= n;
        horizon[layout.price()] /= n;
        collector.horizon(trial, &horizon);
    }

    let results = Results::from_layout("fixture", &years, &layout, &collector, 7);
    Fixture {
        results,
        collector,
        routes: vec![
            ("CPC".into(), s(&["Kazakhstan"])),
            ("Route B/C".into(), s(&["Azer/baijan"])),
            ("Shared One".into(), s(&["Kazakhstan", "Azer/baijan"])),
            ("Dead Route".into(), s(&["Kazakhstan"])),
        ],
        info: RunInfo {
            corridor_version: "0.0.0-test",
            scenario_file: "fixture.ron".into(),
            threads: 1,
            elapsed_seconds: 1.5,
            trials_per_second: trials as f64 / 1.5,
            trial_years_per_second: trials as f64 * 3.0 / 1.5,
            finished_unix: 1_767_225_600,
            merged_shards: None,
        },
    }
}
