//! Bounds on what a scenario and a run may ask for.
//!
//! A typo (`trials: 1000000000000`, `last_year: 20350`, `capacity: { 2025: 1e300 }`) must give a
//! clear error before any work starts, not an attempt to allocate for it, an overnight run that
//! never ends, or results full of infinities. `docs/errors.md` and the Limits section of
//! `docs/scenario-format.md` list these bounds.
//!
//! Why these numbers: the counts keep memory and time per trial bounded (the statistics grid is
//! metrics × years per worker thread; events and live outages drive the cost of a year). They
//! bound a trial, not a run: a file at all of them at once (`benches/worst-case.ron`) runs at a
//! few trials a second per thread, so a long run says so in its first seconds instead
//! (`engine::progress`, docs/errors.md "Long runs"). The
//! magnitudes keep every value a trial reports below 2^42, the range the exact fixed-point
//! accumulators hold (`src/stats/moments.rs`): with volumes ≤ 10,000 Mt/yr, prices ≤ 10,000
//! USD/bbl, differentials ≤ 1,000 USD/bbl, tariffs ≤ 1,000 USD/t and ≤ 20 bbl/t, a netback is
//! below 5·10^5 USD/t, a producer's yearly revenue or loss below 10^10 USD million and any
//! 200-year total below 2·10^12 < 2^42 ≈ 4.4·10^12. Each bound is still far beyond the real
//! world (all the world's crude is about 4,500 Mt/yr; the highest Brent ever, USD 147/bbl).

/// Most inputs in one `correlations` group: far more than a reviewer can judge a matrix of,
/// and it keeps the O(n³) factorisation of a hostile file instant.
pub const MAX_CORRELATED: usize = 64;

/// Mt/yr: production anchors, capacities, domestic refining, contract minimums and maximums.
pub const MAX_VOLUME: f64 = 10_000.0;
/// Annual growth rate: +100% a year.
pub const MAX_GROWTH: f64 = 1.0;
/// USD/bbl: the benchmark price (start, long-run level, per-year draws and the simulated path).
pub const MAX_PRICE: f64 = 10_000.0;
/// Mean-reversion speed of the log benchmark price, per year: 365 is a half-life under a day,
/// already indistinguishable from drawing each year's price afresh.
pub const MAX_REVERSION: f64 = 365.0;
/// Annual volatility of the log benchmark price.
pub const MAX_VOLATILITY: f64 = 5.0;
/// USD/bbl, either sign: route differentials and regime `differential_add`.
pub const MAX_DIFFERENTIAL: f64 = 1_000.0;
/// USD/bbl per Mt/yr of capacity lost: a market response (the 2025–26 CPC terminal outage moved
/// Dated Brent's differential by about 0.1 per Mt/yr lost). The move a response makes is itself
/// clamped to ±`MAX_DIFFERENTIAL` (docs/model.md §5a), so this bound only catches unit slips.
pub const MAX_RESPONSE: f64 = 100.0;
/// USD/t: each asset's and each route's tariff and a reservation's fee.
pub const MAX_TARIFF: f64 = 1_000.0;
/// Barrels per tonne (real crudes: about 6 to 9).
pub const MAX_BARRELS_PER_TONNE: f64 = 20.0;
/// Days one disruption event may last: 100 years, longer than any horizon, so the model's clamp
/// at this value changes no result; the bound only catches typos such as `1e300`.
pub const MAX_DURATION_DAYS: f64 = 36_500.0;
/// Expected asset outages a year, all disruptions together, at the highest regime multiplier:
/// one a day on average. The model also caps each process's rate at this value.
pub const MAX_OUTAGES_PER_YEAR: f64 = 365.0;
/// Outages in progress at once on average, all disruptions together at the highest regime
/// multiplier (rate × assets × mean duration / 365): with the rate bound above, this keeps the
/// periods a year is cut into to about 730 and the outages live in a year to about 1,400.
pub const MAX_LIVE_OUTAGES: f64 = 1_000.0;
/// Days of throughput an asset's storage may absorb at the start of an outage: a year.
pub const MAX_STORAGE_DAYS: f64 = 365.0;
/// Largest regime frequency multiplier.
pub const MAX_MULTIPLIER: f64 = 1_000.0;
/// For laws without an upper bound (Normal, LogNormal, Gamma, Exponential, Pareto), `check`
/// compares this quantile with the bounds above; the model clamps the rarer draws beyond a bound
/// to it. 99.9%: a lognormal fitted to real outage durations (log-sd 1.5) passes, a Pareto with
/// an infinite mean does not.
pub const TAIL_QUANTILE: f64 = 0.999;

/// `TAIL_QUANTILE` as people read it, "99.9th" (or with `low`, the lower tail's "0.1th"), so
/// messages and generated comments follow the constant.
pub fn tail_percentile(low: bool) -> String {
    let p = if low {
        1.0 - TAIL_QUANTILE
    } else {
        TAIL_QUANTILE
    };
    format!("{}th", crate::format::decimals(100.0 * p, 6))
}

/// The documented bounds; `Default` gives the values corridor enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_trials: u64,
    pub max_years: usize,
    /// Every year in a file (horizon, schedules, anchors, dates) lies in `min_year..=max_year`.
    pub min_year: i32,
    pub max_year: i32,
    /// Producers, assets, routes, disruptions, forced events or regimes, each.
    pub max_entities: usize,
    /// Route × producer pairs (lanes), summed over routes.
    pub max_lanes: usize,
    /// Statistics kept per worker thread: metrics × (years + 1).
    pub max_statistics: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_trials: 1_000_000_000,
            max_years: 200,
            min_year: 1900,
            max_year: 2300,
            max_entities: 256,
            max_lanes: 1_024,
            max_statistics: 50_000,
        }
    }
}

/// Metrics a scenario reports (`model::metrics::Layout`): eight per producer, one per route, one
/// per asset owner, three per asset, the benchmark price, one per producer and stranded-volume
/// threshold, and with reservations one per producer that holds one and one per reserved route.
pub fn metric_count(
    producers: usize,
    routes: usize,
    owners: usize,
    assets: usize,
    thresholds: usize,
    reservations: (usize, usize),
) -> usize {
    (8 + thresholds) * producers
        + routes
        + owners
        + 3 * assets
        + 1
        + reservations.0
        + reservations.1
}

/// Stranded-volume thresholds a scenario may list.
pub const MAX_STRANDED_THRESHOLDS: usize = 8;
