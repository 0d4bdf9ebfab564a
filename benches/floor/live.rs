//! The whole model, lean, run live: draws, terms, year, bookkeeping and statistics together.
//! Why: parts replayed alone each keep the cache and the branch predictor to themselves, so
//! their sum flatters them; the whole model run live is the floor the engine is judged by.

use super::*;

/// The whole model, lean, run live rather than replayed: each trial's draws
/// (`LeanDraws`), each year's terms (`LeanTerms`), volumes (`LeanYear`) and metrics and horizon
/// values (`LeanBook`), each value written into its column of a block of 64 trials, and each
/// block's columns folded (`Cell::fold`). Nothing is recorded or replayed, so a replay's
/// hindrance (its records' cache misses) is not in its time, nor the help a part replayed
/// alone gets from learning its branches (it still learns some over 64 trials, as the
/// engine does). Checked against the engine: every statistic of the recorded run, as
/// `lean_fold` is.
pub struct Live<C> {
    pub terms: LeanTerms,
    pub year: LeanYear<C>,
    pub book: LeanBook,
    pub b: Book,
    pub years: usize,
    pub metrics: usize,
    /// The block's columns: row (a year, then the horizon) × metric × trial.
    pub block: Vec<f64>,
    /// The trial's place in the block.
    pub i: usize,
    pub cells: Vec<Cell>,
}

impl<C: Cut> Live<C> {
    pub fn new(model: &Model) -> Live<C> {
        let (years, metrics) = (model.year_count(), model.layout.len());
        let cells = (years + 1) * metrics;
        Live {
            terms: LeanTerms::default(),
            year: LeanYear::new(model),
            book: LeanBook::new(model),
            b: Book::new(model),
            years,
            metrics,
            block: vec![0.0; cells * BLOCK],
            i: 0,
            cells: vec![Cell::default(); cells],
        }
    }

    /// Writes row `row` (`b.out`, or the horizon values) into the block's columns.
    pub fn write(&mut self, row: usize, horizon: bool) {
        let values = if horizon {
            &self.b.horizon
        } else {
            &self.b.out
        };
        let at = row * self.metrics * BLOCK + self.i;
        for (m, &v) in values.iter().enumerate() {
            self.block[at + m * BLOCK] = v;
        }
    }

    /// After each trial: the block folded when it is full.
    pub fn trial_done(&mut self) {
        self.i += 1;
        if self.i == BLOCK {
            for (cell, column) in self.cells.iter_mut().zip(self.block.chunks_exact(BLOCK)) {
                cell.fold(column);
            }
            self.i = 0;
        }
    }
}

impl<C: Cut> DrawsSink for Live<C> {
    fn start(&mut self, model: &Model, values: &Values) {
        self.terms.start(model, values);
        self.b.horizon.fill(0.0);
    }

    fn year(&mut self, model: &Model, d: &Drawn) {
        self.terms.year(model, d);
        let terms = &self.terms;
        let nl = model.lanes.len();
        self.year.year(&YearTerms {
            t: d.t,
            outages: d.outages,
            supply: &terms.supply,
            make_up_share: &terms.make_up_share,
            capacity: &terms.capacity,
            contract_min: &terms.contract_min,
            contract_max: &terms.contract_max,
            netback: &terms.netback[..nl],
        });
        let (y, np, na) = (&self.year, model.producers.len(), model.assets.len());
        let none = [0.0; lean::PRODUCERS];
        let made = &y.made;
        let view = YearBook {
            lane_volume: &y.lane[..nl],
            cf_lane_volume: &y.cf_lane[..nl],
            regular: if made.any {
                &made.regular[..nl]
            } else {
                &y.lane[..nl]
            },
            netback: &terms.netback,
            route_tariff: &terms.route_tariff,
            supply: &terms.supply,
            stranded: &y.stranded[..np],
            made_up: if made.on {
                &made.mu.made[..np]
            } else {
                &none[..np]
            },
            capacity: &terms.capacity,
            asset_tariff: &terms.asset_tariff,
            outage_days: &y.days[..na],
            price: d.price,
        };
        let b = &mut self.b;
        self.book
            .year(&view, &mut b.flow, &mut b.out, &mut b.horizon);
        self.write(d.t, false);
        if d.t + 1 == self.years {
            self.write(self.years, true);
        }
    }
}

/// The live lean model over `trials` trials (a multiple of 64).
pub fn live_trials<C: Cut>(model: &Model, draws: &mut LeanDraws, live: &mut Live<C>, trials: u64) {
    for trial in 0..trials {
        draws.trial(model, trial, live);
        live.trial_done();
    }
}

/// `trials()` trials of the whole model by the live lean implementation, after checking every
/// statistic it gives against the engine's on the same trials (models without supply plans,
/// reservations or market responses), with either cut.
#[divan::bench(types = [LeanSegments, Segments])]
fn lean_model<C: Cut>(bencher: divan::Bencher) {
    let Some((run, _)) = checked_lean_years::<C>() else {
        return;
    };
    let model = &run.model;
    let mut draws = LeanDraws::default();
    let mut live = Live::<C>::new(model);
    live_trials(model, &mut draws, &mut live, trials());
    check_cells(&run, &live.cells);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| live_trials(model, &mut draws, &mut live, trials()));
}
