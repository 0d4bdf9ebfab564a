//! The draws: the engine's, a floor under any implementation that keeps per-input streams, and
//! lean draws with each law's own sampler; then the year's terms worked out from them. Why all
//! three: the floor leaves out the laws' samplers, which are most of the cost, so the lean
//! draws are what a lean model must pay.

use super::*;

/// The engine's draws for one trial: its per-trial inputs, its per-year inputs' streams, its
/// processes' streams, its regime and price paths, and each year's inputs and events. `year`
/// sees each year's outages in progress, as the year loop cuts them (the forced ones, those
/// drawn, those ended retired); returns how many outages were drawn.
pub fn engine_draws_of(
    model: &Model,
    trial: u64,
    d: &mut Draws,
    mut year: impl FnMut(usize, &[Outage]),
) -> usize {
    let ts = streams::trial_seed(SEED, trial);
    let years = model.year_count();
    d.values.start_trial(&model.params, ts);
    disruptions::open_streams(model, ts, &mut d.streams);
    paths(model, ts, &d.values, &mut d.regime, &mut d.price);
    d.outages.clone_from(&model.forced);
    let mut drawn = 0;
    for t in 0..years {
        d.values.start_year(&model.params);
        let (values, regime, before) = (&d.values, d.regime[t], d.outages.len());
        disruptions::draw_year(model, values, t, regime, &mut d.streams, &mut d.outages);
        drawn += d.outages.len() - before;
        disruptions::retire(&mut d.outages, t);
        year(t, &d.outages);
    }
    drawn
}

/// A trial's regime and price paths, each from its stream (seeded by the trial's seed `ts`).
pub fn paths(
    model: &Model,
    ts: u64,
    values: &Values,
    regime: &mut Vec<usize>,
    price: &mut Vec<f64>,
) {
    let (years, salt) = (model.year_count(), model.residual_salt);
    regime.resize(years, 0);
    let mut rng = streams::stream(ts, streams::key(streams::REGIMES) ^ salt);
    regimes::sample_path(model.regimes.as_ref(), &mut rng, regime);
    price.resize(years, 0.0);
    let mut rng = streams::stream(ts, streams::key(streams::BENCHMARK_SHOCKS) ^ salt);
    prices::sample_path(&model.prices, values, &mut rng, price);
}

#[derive(Default)]
pub struct Draws {
    pub values: Values,
    pub streams: Vec<disruptions::ProcessStream>,
    pub regime: Vec<usize>,
    pub price: Vec<f64>,
    pub outages: Vec<Outage>,
}

/// The engine's own draws for `trials()` baseline trials (not a lean implementation: the
/// reference the floor below is set against).
#[divan::bench]
fn engine_draws(bencher: divan::Bencher) {
    let model = scenario();
    let mut d = Draws::default();
    let mut events = 0;
    bencher
        .counter(ItemsCount::new(trials() as usize * model.year_count()))
        .bench_local(|| {
            for trial in 0..trials() {
                events += engine_draws_of(&model, trial, &mut d, |_, _| ());
            }
        });
    black_box(events);
}

/// A floor under any implementation of the baseline's draws that keeps per-input streams
/// (common random numbers): each stream the model uses seeded once a trial, and one uniform
/// per draw the engine makes at the least (one per input and year, per process-year, per year
/// of the regime and price paths, and per outage drawn), with no distribution's transform.
#[divan::bench]
fn draws_floor(bencher: divan::Bencher) {
    let model = scenario();
    let mut d = Draws::default();
    let mut outages = 0;
    for trial in 0..trials() {
        outages += engine_draws_of(&model, trial, &mut d, |_, _| ());
    }
    let keys: Vec<u64> = streams::used_by(&model).iter().map(|&(k, _)| k).collect();
    let (years, params) = (model.year_count(), &model.params);
    let yearly = params.per_year.len() + model.processes.len() + 2;
    let uniforms = params.per_trial.len() + years * yearly + outages / trials() as usize;
    let mut rngs = Vec::with_capacity(keys.len());
    bencher
        .counter(ItemsCount::new(trials() as usize * years))
        .bench_local(|| {
            let mut sum = 0.0;
            for trial in 0..trials() {
                let ts = streams::trial_seed(SEED, trial);
                rngs.clear();
                rngs.extend(keys.iter().map(|&k| streams::stream(ts, k)));
                // Round the streams, as many uniforms in all as the trial draws.
                let mut left = uniforms;
                while left > 0 {
                    for rng in rngs.iter_mut().take(left) {
                        sum += rng.random::<f64>();
                    }
                    left = left.saturating_sub(rngs.len());
                }
            }
            black_box(sum)
        });
}

/// The draws, lean: the same laws from the same streams as the engine (the inputs' values by
/// `Values`, which holds them in two arrays, the regime and price paths by the engine's own
/// functions, a few lines each), and each year's events drawn and cut to outages in one flat
/// loop per process, with no per-event call and no `ProcessStream`. What is left of the
/// engine's draws is the laws' own samplers: the floor of draws that keep both the per-input
/// streams and the laws. Checked against the engine: every year's outages, bit for bit.
#[derive(Default)]
pub struct LeanDraws {
    pub values: Values,
    pub rngs: Vec<(streams::StreamRng, counts::Memo)>,
    pub regime: Vec<usize>,
    pub price: Vec<f64>,
    pub outages: Vec<Outage>,
}

impl LeanDraws {
    /// Trial `trial`'s draws, each year's seen by `sink` (its outages in progress as
    /// `engine_draws_of` gives them).
    pub fn trial(&mut self, model: &Model, trial: u64, sink: &mut impl DrawsSink) {
        let ts = streams::trial_seed(SEED, trial);
        let years = model.year_count();
        self.values.start_trial(&model.params, ts);
        self.rngs.clear();
        let fresh = |p: &corridor::model::compile::Process| {
            (streams::stream(ts, p.key), counts::Memo::default())
        };
        self.rngs.extend(model.processes.iter().map(fresh));
        paths(model, ts, &self.values, &mut self.regime, &mut self.price);
        self.outages.clone_from(&model.forced);
        sink.start(model, &self.values);
        for t in 0..years {
            self.values.start_year(&model.params);
            let regime = self.regime[t];
            for (p, (rng, memo)) in model.processes.iter().zip(&mut self.rngs) {
                if !p.active[t] {
                    continue;
                }
                let r = regime.min(p.multiplier.len() - 1);
                let (start, len) = p.season;
                let wraps = t == 0 && start + len > YEAR_DAYS;
                for year_start in [-YEAR_DAYS, t as f64 * YEAR_DAYS] {
                    if year_start < 0.0 && !wraps {
                        continue;
                    }
                    let n = match p.fixed_counts.get(p.step[t]) {
                        Some(c) => c[r].sample(rng),
                        None => {
                            let base = self.values.get(p.frequency[t]);
                            let m = p.multiplier[r];
                            counts::sample_uncertain(p.kind, base, m, r, memo, rng)
                        }
                    };
                    if n > 0 {
                        events(model, p, year_start, n, rng, &mut self.outages);
                    }
                }
            }
            let lo = t as f64 * YEAR_DAYS;
            self.outages.retain(|o| o.end > lo);
            let price = prices::year_price(&model.prices, &self.values).unwrap_or(self.price[t]);
            let drawn = Drawn {
                t,
                values: &self.values,
                regime,
                price,
                outages: &self.outages,
            };
            sink.year(model, &drawn);
        }
    }
}

/// What a year of the lean draws gives.
pub struct Drawn<'a> {
    pub t: usize,
    pub values: &'a Values,
    pub regime: usize,
    pub price: f64,
    pub outages: &'a [Outage],
}

/// Sees a trial's draws: its per-trial values (before the first year's), then each year's.
pub trait DrawsSink {
    fn start(&mut self, _model: &Model, _values: &Values) {}
    fn year(&mut self, model: &Model, drawn: &Drawn);
}

impl<F: FnMut(usize, &[Outage])> DrawsSink for F {
    fn year(&mut self, _model: &Model, drawn: &Drawn) {
        self(drawn.t, drawn.outages)
    }
}

/// The year's terms, lean, from its draws (docs/model.md §2, §3, §5): each producer's export
/// supply (its output on its anchors and growth, its quota, less domestic refining, times its
/// export share), each asset's capacity, each route's contract terms, and each lane's netback
/// (barrels per tonne × (benchmark + differential + the regime's add) − the chain's tariffs).
#[derive(Default)]
pub struct LeanTerms {
    pub growth: Vec<f64>,
    pub asset_tariff: Vec<f64>,
    pub route_tariff: Vec<f64>,
    pub make_up_share: Vec<f64>,
    /// Per lane: barrels per tonne and its route's tariff with its chain's.
    pub lane_terms: Vec<(f64, f64)>,
    pub supply: Vec<f64>,
    pub capacity: Vec<f64>,
    pub contract_min: Vec<f64>,
    pub contract_max: Vec<f64>,
    pub netback: Vec<f64>,
}

impl LeanTerms {
    pub fn tariffs(&mut self, model: &Model, v: &Values) {
        self.asset_tariff.clear();
        self.asset_tariff
            .extend(model.assets.iter().map(|a| v.get(a.tariff)));
        self.route_tariff.clear();
        for route in &model.routes {
            let chain: f64 = route.assets.iter().map(|&a| self.asset_tariff[a]).sum();
            self.route_tariff.push(v.get(route.tariff) + chain);
        }
        self.lane_terms.clear();
        for lane in &model.lanes {
            let bpt = v.get(model.producers[lane.producer].barrels_per_tonne);
            self.lane_terms.push((bpt, self.route_tariff[lane.route]));
        }
    }

    pub fn contracts(&mut self, model: &Model, v: &Values, t: usize, r: usize) {
        let at =
            |c: &Option<Vec<Param>>, none: f64| c.as_ref().map_or(none, |c| v.get(c[t]).max(0.0));
        self.contract_min[r] = at(&model.routes[r].contract_min, 0.0);
        self.contract_max[r] = at(&model.routes[r].contract_max, f64::INFINITY);
    }
}

impl DrawsSink for LeanTerms {
    /// The first year's capacities and contracts, and the trial's tariffs where they are drawn
    /// once a trial (the per-year inputs not drawn yet read 0, as in the engine).
    fn start(&mut self, model: &Model, v: &Values) {
        self.growth.clear();
        self.growth.resize(model.producers.len(), 1.0);
        if !model.yearly_terms {
            self.tariffs(model, v);
        }
        self.capacity.clear();
        self.capacity
            .extend(model.assets.iter().map(|a| v.get(a.capacity[0]).max(0.0)));
        let nr = model.routes.len();
        self.contract_min.resize(nr, 0.0);
        self.contract_max.resize(nr, 0.0);
        for r in 0..nr {
            self.contracts(model, v, 0, r);
        }
    }

    fn year(&mut self, model: &Model, d: &Drawn) {
        let (v, t) = (d.values, d.t);
        self.supply.clear();
        let year = model.years[t];
        for (p, producer) in model.producers.iter().enumerate() {
            let mut prod = production::output(producer, v, year, t, &mut self.growth[p]);
            if let Some(q) = &producer.quota {
                prod -= v.get(q.compliance) * (prod - v.get(q.cap[t])).max(0.0);
            }
            let share = v.get(producer.export_share).clamp(0.0, 1.0);
            let supply = (prod - v.get(producer.domestic_refining)).max(0.0) * share;
            self.supply.push(supply);
        }
        for &a in &model.yearly_capacity {
            self.capacity[a] = v.get(model.assets[a].capacity[t]).max(0.0);
        }
        if model.make_up {
            self.make_up_share.clear();
            let share = |p: &corridor::model::compile::Producer| {
                p.make_up.map_or(0.0, |m| v.get(m).clamp(0.0, 1.0))
            };
            self.make_up_share.extend(model.producers.iter().map(share));
        }
        if model.yearly_terms {
            self.tariffs(model, v);
        }
        for &r in &model.yearly_contracts {
            self.contracts(model, v, t, r);
        }
        self.netback.clear();
        let adds = model
            .regimes
            .as_ref()
            .map(|r| &r.differential_add[d.regime]);
        for (lane, &(bpt, tariff)) in model.lanes.iter().zip(&self.lane_terms) {
            let add = adds.map_or(0.0, |a| a[lane.route]);
            let usd_bbl = d.price + v.get(model.routes[lane.route].differential) + add;
            self.netback.push(bpt * usd_bbl - tariff);
        }
    }
}

/// `n` events of process `p` whose season begins at day `year_start`, cut to outages (one per
/// asset and phase): out of line, as most process-years have none.
#[inline(never)]
pub fn events(
    model: &Model,
    p: &corridor::model::compile::Process,
    year_start: f64,
    n: u64,
    rng: &mut streams::StreamRng,
    out: &mut Vec<Outage>,
) {
    let (start, len) = p.season;
    for _ in 0..n {
        let from = year_start + start + rng.random::<f64>() * len;
        let days = p.duration_days.sample(rng).clamp(0.0, MAX_DURATION_DAYS);
        let left = 1.0 - p.severity.sample(rng).clamp(0.0, 1.0);
        let split = p.full_stop_days.as_ref().map_or(from, |law| {
            from + law.sample(rng).clamp(0.0, MAX_DURATION_DAYS).min(days)
        });
        let end = from + days;
        for &asset in &p.assets {
            let buffered = from + model.assets[asset].storage_days;
            let phases = if left == 0.0 {
                [(buffered, end, 0.0), (0.0, 0.0, 1.0)]
            } else {
                [(buffered, split, 0.0), (buffered.max(split), end, left)]
            };
            for (start, end, left) in phases {
                if end > start && end > 0.0 && left < 1.0 {
                    out.push(Outage {
                        asset,
                        start,
                        end,
                        left,
                    });
                }
            }
        }
    }
}

/// The lean draws of `trials()` baseline trials, checked against the engine's first: the same
/// outages in every year, bit for bit.
#[divan::bench]
fn lean_draws(bencher: divan::Bencher) {
    let model = scenario();
    let engine = yearly_outages(&model);
    let mut lean = LeanDraws::default();
    let mut years = engine.iter();
    for trial in 0..trials() {
        lean.trial(&model, trial, &mut |t, outages: &[Outage]| {
            let (te, expected) = years.next().expect("as many years as the engine");
            assert_eq!(*te, t);
            let bits = |o: &[Outage]| -> Vec<_> {
                let b = |x: f64| x.to_bits();
                o.iter()
                    .map(|o| (o.asset, b(o.start), b(o.end), b(o.left)))
                    .collect()
            };
            assert_eq!(bits(expected), bits(outages), "trial {trial}, year {t}");
        });
    }
    assert!(years.next().is_none());
    let mut events = 0;
    bencher
        .counter(ItemsCount::new(trials() as usize * model.year_count()))
        .bench_local(|| {
            for trial in 0..trials() {
                lean.trial(&model, trial, &mut |_, o: &[Outage]| events += o.len());
            }
        });
    black_box(events);
}

/// The lean draws with each year's terms computed from them (`LeanTerms`), checked against the
/// terms the engine's years were given, bit for bit: the terms cost the difference from
/// `lean_draws`.
#[divan::bench]
fn lean_draws_terms(bencher: divan::Bencher) {
    let run = record(trials());
    let model = &run.model;
    let (mut lean, mut terms) = (LeanDraws::default(), LeanTerms::default());
    let mut years = run.years.iter();
    struct Checked<'a, I> {
        terms: &'a mut LeanTerms,
        years: I,
    }
    impl<'a, I: Iterator<Item = &'a Year>> DrawsSink for Checked<'_, I> {
        fn start(&mut self, model: &Model, values: &Values) {
            self.terms.start(model, values);
        }
        fn year(&mut self, model: &Model, drawn: &Drawn) {
            self.terms.year(model, drawn);
            let y = self.years.next().expect("as many years as the engine");
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let nl = y.netback.len().min(self.terms.netback.len());
            assert_eq!(bits(&self.terms.supply), bits(&y.supply));
            assert_eq!(bits(&self.terms.capacity), bits(&y.capacity));
            assert_eq!(bits(&self.terms.contract_min), bits(&y.contract_min));
            assert_eq!(bits(&self.terms.contract_max), bits(&y.contract_max));
            assert_eq!(bits(&self.terms.netback[..nl]), bits(&y.netback[..nl]));
        }
    }
    for trial in 0..trials() {
        let mut checked = Checked {
            terms: &mut terms,
            years: &mut years,
        };
        lean.trial(model, trial, &mut checked);
    }
    assert!(years.next().is_none());
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            for trial in 0..trials() {
                lean.trial(model, trial, &mut terms);
                black_box(&terms.netback);
            }
        });
}
