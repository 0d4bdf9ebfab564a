//! The year's bookkeeping, lean: asset flows, every metric and the horizon values, from a
//! year's volumes and terms. It reads them through `YearBook`, so the same code runs on a
//! recorded year (`lean_bookkeeping`) and live (`live.rs`).

use super::*;

/// A year's bookkeeping by the definition (docs/model.md §6, §7): each asset's flow from the
/// lanes' volumes, every metric of the year from volumes, netbacks and tariffs, and each
/// metric's horizon value (sum, mean or largest over the years).
pub struct LeanBook {
    /// `(producer, route, its route's chain)` of each lane.
    pub lanes: Vec<(usize, usize, Vec<usize>)>,
    pub owners: Vec<Option<usize>>,
    /// Where each kind's block starts, and the other metrics' places.
    pub at: [usize; 9],
    pub routes: std::ops::Range<usize>,
    pub fees: std::ops::Range<usize>,
    pub over: usize,
    pub thresholds: Vec<f64>,
    pub volume: usize,
    pub utilisation: usize,
    pub days: usize,
    pub price: usize,
    pub made_up: Option<usize>,
    pub horizon: Vec<(std::ops::Range<usize>, Horizon)>,
    pub span: f64,
}

pub fn snap(x: &mut f64, scale: f64) {
    if x.abs() <= 1e-9 * scale.abs() {
        *x = 0.0;
    }
}

impl LeanBook {
    pub fn new(model: &Model) -> LeanBook {
        let layout = &model.layout;
        let chain = |r: usize| {
            let (a, b) = model.chain_range[r];
            model.chain[a as usize..b as usize]
                .iter()
                .map(|&x| x as usize)
                .collect()
        };
        assert!(model.reservations.is_empty() && model.responses.is_empty());
        assert!(model.producers.len() <= 8);
        LeanBook {
            lanes: model
                .lanes
                .iter()
                .map(|l| (l.producer, l.route, chain(l.route)))
                .collect(),
            owners: model.assets.iter().map(|a| a.owner).collect(),
            at: Metric::PRODUCER.map(|k| layout.block(k).start),
            routes: layout.block(Metric::RouteVolume),
            fees: layout.block(Metric::TransitFees),
            over: layout.block(Metric::StrandedOver).start,
            thresholds: layout.stranded_thresholds().to_vec(),
            volume: layout.block(Metric::AssetVolume).start,
            utilisation: layout.block(Metric::Utilisation).start,
            days: layout.block(Metric::OutageDays).start,
            price: layout.price(),
            made_up: model.make_up.then(|| layout.made_up(0)),
            horizon: model.horizon_runs.clone(),
            span: model.year_count() as f64,
        }
    }

    /// Year `y`'s metrics into `out`, its flows into `flow`, and their horizon values into
    /// `horizon`.
    pub fn year(&self, y: &YearBook, flow: &mut [f64], out: &mut [f64], horizon: &mut [f64]) {
        let np = y.supply.len();
        flow.fill(0.0);
        for ((_, _, chain), &v) in self.lanes.iter().zip(y.lane_volume) {
            for &a in chain {
                flow[a] += v;
            }
        }
        out[self.routes.clone()].fill(0.0);
        out[self.fees.clone()].fill(0.0);
        let mut sums = [[0.0; 9]; 8];
        for (l, &(p, r, _)) in self.lanes.iter().enumerate() {
            let (vol, cf, n, reg) = (
                y.lane_volume[l],
                y.cf_lane_volume[l],
                y.netback[l],
                y.regular[l],
            );
            let sum = &mut sums[p & 7];
            sum[Metric::ExportVolume as usize] += vol;
            sum[Metric::LostVolume as usize] += cf - vol;
            sum[Metric::Revenue as usize] += vol * n;
            sum[Metric::RevenueUndisrupted as usize] += cf * n;
            sum[Metric::LostRevenue as usize] += (cf - vol) * n;
            sum[Metric::TariffsPaid as usize] += vol * y.route_tariff[r];
            sum[Metric::DisplacedVolume as usize] += (cf - reg).max(0.0);
            out[self.routes.start + r] += vol;
        }
        if let Some(base) = self.made_up {
            out[base..base + np].copy_from_slice(y.made_up);
        }
        for (p, sum) in sums.iter_mut().enumerate().take(np) {
            let undisrupted = sum[Metric::RevenueUndisrupted as usize];
            snap(&mut sum[Metric::LostRevenue as usize], undisrupted);
            snap(&mut sum[Metric::LostVolume as usize], y.supply[p]);
            snap(&mut sum[Metric::DisplacedVolume as usize], y.supply[p]);
            sum[Metric::ExportSupply as usize] = y.supply[p];
            sum[Metric::StrandedVolume as usize] = y.stranded[p];
            for (k, &at) in Metric::PRODUCER.iter().zip(&self.at) {
                out[at + p] = sum[*k as usize];
            }
        }
        for (i, &x) in self.thresholds.iter().enumerate() {
            for (p, &s) in y.stranded.iter().enumerate() {
                out[self.over + i * np + p] = if s > x { 1.0 } else { 0.0 };
            }
        }
        for (a, &f) in flow.iter().enumerate() {
            if let Some(o) = self.owners[a] {
                out[self.fees.start + o] += f * y.asset_tariff[a];
            }
            let cap = y.capacity[a];
            out[self.volume + a] = f;
            out[self.utilisation + a] = if cap > 0.0 { f / cap } else { 0.0 };
            out[self.days + a] = y.outage_days[a];
        }
        out[self.price] = y.price;
        for (run, how) in &self.horizon {
            let pairs = horizon[run.clone()].iter_mut().zip(&out[run.clone()]);
            match how {
                Horizon::Sum => pairs.for_each(|(h, v)| *h += v),
                Horizon::Mean => pairs.for_each(|(h, v)| *h += v / self.span),
                Horizon::Max => pairs.for_each(|(h, &v)| *h = h.max(v)),
            }
        }
    }

    /// Every recorded year, a trial's horizon values started afresh each `years` years;
    /// `done` sees each year's metrics, and each trial's horizon values after its last year.
    pub fn all(
        &self,
        run: &Run,
        b: &mut Book,
        mut done: impl FnMut(usize, &[f64], Option<&[f64]>),
    ) {
        let years = run.model.year_count();
        for (i, y) in run.years.iter().enumerate() {
            if i % years == 0 {
                b.horizon.fill(0.0);
            }
            let y = YearBook::recorded(y);
            self.year(&y, &mut b.flow, &mut b.out, &mut b.horizon);
            let last = (i % years == years - 1).then_some(&b.horizon[..]);
            done(i, &b.out, last);
        }
    }
}

/// What the bookkeeping reads of a year: each lane's volume, its twin's and its volume before
/// make-up, its netback, each route's tariff, each producer's supply, stranded and made-up
/// volume, each asset's capacity, tariff and outage days, and the benchmark price.
pub struct YearBook<'a> {
    pub lane_volume: &'a [f64],
    pub cf_lane_volume: &'a [f64],
    pub regular: &'a [f64],
    pub netback: &'a [f64],
    pub route_tariff: &'a [f64],
    pub supply: &'a [f64],
    pub stranded: &'a [f64],
    pub made_up: &'a [f64],
    pub capacity: &'a [f64],
    pub asset_tariff: &'a [f64],
    pub outage_days: &'a [f64],
    pub price: f64,
}

impl<'a> YearBook<'a> {
    pub fn recorded(y: &'a Year) -> YearBook<'a> {
        YearBook {
            lane_volume: &y.lane_volume,
            cf_lane_volume: &y.cf_lane_volume,
            regular: &y.regular,
            netback: &y.netback,
            route_tariff: &y.route_tariff,
            supply: &y.supply,
            stranded: &y.stranded,
            made_up: &y.made_up,
            capacity: &y.capacity,
            asset_tariff: &y.asset_tariff,
            outage_days: &y.outage_days,
            price: y.price,
        }
    }
}

/// `LeanBook`'s buffers.
pub struct Book {
    pub flow: Vec<f64>,
    pub out: Vec<f64>,
    pub horizon: Vec<f64>,
}

impl Book {
    pub fn new(model: &Model) -> Book {
        let n = model.layout.len();
        Book {
            flow: vec![0.0; model.assets.len()],
            out: vec![0.0; n],
            horizon: vec![0.0; n],
        }
    }
}

/// Every year's flows, metrics and horizon values of `trials()` baseline trials, by the lean
/// bookkeeping, after checking each year's metrics and each trial's horizon values against the
/// engine's, bit for bit.
#[divan::bench]
fn lean_bookkeeping(bencher: divan::Bencher) {
    let run = record(trials());
    let lean = LeanBook::new(&run.model);
    let mut book = Book::new(&run.model);
    let years = run.model.year_count();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let mut checked = 0;
    lean.all(&run, &mut book, |i, out, horizon| {
        assert_eq!(bits(out), bits(&run.years[i].out), "year {i}");
        if let Some(h) = horizon {
            let trial = i / years;
            assert_eq!(
                bits(h),
                bits(&run.rows[trial * (years + 1) + years]),
                "trial {trial}"
            );
            checked += 1;
        }
    });
    assert_eq!(checked, trials());
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            lean.all(&run, &mut book, |_, out, _| {
                black_box(out[0]);
            })
        });
}
