//! A whole year's volumes, lean: order, twin, segments, allocations, pro-rata shares, make-up
//! and the glue between them. Why: the parts replayed alone leave out the glue that joins them,
//! and that glue is a large share of a year; the lean year has all of it.

use super::*;

/// A whole year of the model, lean, from the year's drawn terms (each producer's supply and
/// make-up share, each asset's capacity, each route's contract terms, each lane's netback) and
/// its outages to its volumes (docs/model.md §4, §5, §5b, §5c): the filling order, the twin, the
/// year cut into segments, and each segment's volumes — the twin's rates where every cut asset
/// keeps at least its twin flow, else an allocation of the segment's own, its routes' maxima
/// lowered to their pro-rata shares where a shared asset's cut binds (from the twin's state
/// after its minimums pass where that pass is the segment's too), an earlier segment's where its
/// cuts are the same — then its make-up pass; and the outage days. The parts above put
/// together, with the glue between them. Supply plans, reservations and market responses are
/// left out (the shipped baseline has none); the year's terms are `LeanTerms`.
pub struct LeanYear<C> {
    pub chains: Vec<[u8; 4]>,
    pub lane_route: Vec<u32>,
    pub order: lean::Order,
    pub on_minimum: [bool; 128],
    /// Per asset shared pro rata, each route through it with its lanes (the model's).
    pub shares: Shares,
    /// The lean cut or the engine's (which is faster over many trials: `engine_segments`).
    pub segments: C,
    pub st: State,
    /// The twin's supply, capacities and maxima after its minimums pass, and its shipments.
    pub after: ([f64; lean::PRODUCERS], [f64; 128], [f64; lean::ROUTES]),
    pub twin: Vec<(u32, f64)>,
    pub after_minimums: usize,
    pub allocated: Vec<Allocated>,
    pub shipped: Vec<(u32, f64)>,
    /// What each allocated segment left on each asset and under each route's maximum (make-up).
    pub left: Vec<f64>,
    pub period_max: [f64; lean::ROUTES],
    pub cf_lane: [f64; lean::ROUTES],
    pub cf_stranded: [f64; lean::PRODUCERS],
    pub cf_flow: [f64; 128],
    pub lane: [f64; lean::ROUTES],
    pub stranded: [f64; lean::PRODUCERS],
    pub days: [f64; 128],
    pub made: MadeUp,
}

/// The year's make-up (§5c): the pass's state (`supply` the backlog, `lane` and `made` what was
/// made up this year per lane and per producer), its steps, the twin's spare, and the lanes'
/// volumes before make-up.
pub struct MadeUp {
    pub on: bool,
    pub mu: State,
    pub share: [f64; lean::PRODUCERS],
    pub steps: Vec<[u8; 3]>,
    pub steps_ready: bool,
    pub pending: bool,
    pub any: bool,
    pub twin_spare: ([f64; 128], [f64; lean::ROUTES]),
    pub twin_ready: bool,
    pub regular: [f64; lean::ROUTES],
}

/// A segment the lean year allocated: its number in the year, its shipments (a range of
/// `shipped`), its stranded rates, and where what it left starts in `left`.
#[derive(Clone, Copy)]
pub struct Allocated {
    pub segment: usize,
    pub ships: (usize, usize),
    pub stranded: [f64; lean::PRODUCERS],
    pub left: usize,
}

/// One year's inputs for the lean year: its number in the trial, its outages and its terms.
pub struct YearTerms<'a> {
    pub t: usize,
    pub outages: &'a [Outage],
    pub supply: &'a [f64],
    pub make_up_share: &'a [f64],
    pub capacity: &'a [f64],
    pub contract_min: &'a [f64],
    pub contract_max: &'a [f64],
    pub netback: &'a [f64],
}

impl<'a> YearTerms<'a> {
    /// Year `t`'s terms as `Year` recorded them.
    pub fn recorded(t: usize, year: &'a Year, outages: &'a [Outage]) -> YearTerms<'a> {
        YearTerms {
            t,
            outages,
            supply: &year.supply,
            make_up_share: &year.make_up_share,
            capacity: &year.capacity,
            contract_min: &year.contract_min,
            contract_max: &year.contract_max,
            netback: &year.netback,
        }
    }
}

impl<C: Cut> LeanYear<C> {
    pub fn new(model: &Model) -> LeanYear<C> {
        LeanYear {
            chains: lean::chains(model),
            lane_route: model.lane_route.clone(),
            order: lean::Order::new(model),
            on_minimum: [false; 128],
            shares: model.shares.clone(),
            segments: C::default(),
            st: State::new(),
            after: ([0.0; lean::PRODUCERS], [0.0; 128], [0.0; lean::ROUTES]),
            twin: Vec::new(),
            after_minimums: 0,
            allocated: Vec::new(),
            shipped: Vec::new(),
            left: Vec::new(),
            period_max: [0.0; lean::ROUTES],
            cf_lane: [0.0; lean::ROUTES],
            cf_stranded: [0.0; lean::PRODUCERS],
            cf_flow: [0.0; 128],
            lane: [0.0; lean::ROUTES],
            stranded: [0.0; lean::PRODUCERS],
            days: [0.0; 128],
            made: MadeUp {
                on: model.make_up,
                mu: State::new(),
                share: [0.0; lean::PRODUCERS],
                steps: Vec::new(),
                steps_ready: false,
                pending: false,
                any: false,
                twin_spare: ([0.0; 128], [0.0; lean::ROUTES]),
                twin_ready: false,
                regular: [0.0; lean::ROUTES],
            },
        }
    }

    pub fn year(&mut self, y: &YearTerms) {
        let (np, na, nl) = (y.supply.len(), y.capacity.len(), self.chains.len());
        let nr = y.contract_max.len();
        self.order.build(y.netback, y.contract_min);
        self.on_minimum[..na].fill(false);
        for s in &self.order.minimum_steps {
            for a in self.chains[s[0] as usize] {
                self.on_minimum[a as usize & 127] = true;
            }
        }
        if self.made.on {
            let m = &mut self.made;
            m.share[..np].copy_from_slice(y.make_up_share);
            m.mu.supply[..np].fill(0.0);
            m.mu.made[..np].fill(0.0);
            m.mu.lane[..nl].fill(0.0);
            (m.pending, m.any, m.steps_ready, m.twin_ready) = (false, false, false, false);
        }
        // The twin: full capacity all year.
        let st = &mut self.st;
        st.supply[..np].copy_from_slice(y.supply);
        st.capacity[..na].copy_from_slice(y.capacity);
        st.maximum[..nr].copy_from_slice(y.contract_max);
        st.minimum[..nr].copy_from_slice(y.contract_min);
        self.twin.clear();
        if !self.order.minimum_steps.is_empty() {
            st.fill::<true>(&self.chains, &self.order.minimum_steps, &mut self.twin);
        }
        self.after.0[..np].copy_from_slice(&st.supply[..np]);
        self.after.1[..na].copy_from_slice(&st.capacity[..na]);
        self.after.2[..nr].copy_from_slice(&st.maximum[..nr]);
        self.after_minimums = self.twin.len();
        st.fill::<false>(&self.chains, &self.order.steps, &mut self.twin);
        self.cf_lane[..nl].fill(0.0);
        for &(l, x) in &self.twin {
            self.cf_lane[l as usize] += 1.0 * x;
        }
        self.cf_stranded[..np].fill(0.0);
        for (s, &left) in self.cf_stranded[..np].iter_mut().zip(&st.supply[..np]) {
            if left > NEGLIGIBLE {
                *s += 1.0 * left;
            }
        }
        // The year as disrupted, segment by segment.
        self.segments.cut(y.outages, y.t);
        self.days[..na].fill(0.0);
        if !self.segments.any_cut() {
            self.lane[..nl].copy_from_slice(&self.cf_lane[..nl]);
            self.stranded[..np].copy_from_slice(&self.cf_stranded[..np]);
            return;
        }
        self.cf_flow[..na].fill(0.0);
        for (chain, &v) in self.chains.iter().zip(&self.cf_lane[..nl]) {
            for a in chain {
                self.cf_flow[*a as usize & 127] += v;
            }
        }
        self.lane[..nl].fill(0.0);
        self.stranded[..np].fill(0.0);
        self.allocated.clear();
        self.shipped.clear();
        self.left.clear();
        for k in 0..self.segments.count() {
            self.segment(y, k);
        }
        if self.made.any {
            self.made.regular[..nl].copy_from_slice(&self.lane[..nl]);
            let m = &self.made;
            for (v, &x) in self.lane[..nl].iter_mut().zip(&m.mu.lane[..nl]) {
                *v += x;
            }
            for (s, &x) in self.stranded[..np].iter_mut().zip(&m.mu.made[..np]) {
                *s = (*s - x).max(0.0);
            }
        }
    }

    /// Segment `k` of a year with cuts: its outage days, its volumes and its make-up pass.
    pub fn segment(&mut self, y: &YearTerms, k: usize) {
        let (np, nl) = (y.supply.len(), self.chains.len());
        let capacity = y.capacity;
        let (days, cuts) = self.segments.get(k);
        let share = days / YEAR_DAYS;
        for &(a, f) in cuts {
            if f < 1.0 {
                self.days[a] += days;
            }
        }
        let keeps = |&(a, f): &(usize, f64)| {
            f >= 1.0 || capacity[a] * f >= self.cf_flow[a] * (1.0 + 1e-9) + 1e-12
        };
        if cuts.iter().all(keeps) {
            for (v, &r) in self.lane[..nl].iter_mut().zip(&self.cf_lane[..nl]) {
                *v += share * r;
            }
            for (s, &r) in self.stranded[..np].iter_mut().zip(&self.cf_stranded[..np]) {
                *s += share * r;
            }
            if self.made.on && self.made.pending {
                self.make_up(y, k, share, None);
            }
            return;
        }
        let same = |a: &&Allocated| self.segments.get(a.segment).1 == cuts;
        let a = match self.allocated.iter().find(same) {
            Some(&a) => a,
            None => self.allocate(y, k),
        };
        for &(l, x) in &self.shipped[a.ships.0..a.ships.1] {
            self.lane[l as usize] += share * x;
        }
        for (s, &l) in self.stranded[..np].iter_mut().zip(&a.stranded[..np]) {
            if l > 0.0 {
                *s += share * l;
            }
        }
        if self.made.on {
            if self.made.pending {
                self.make_up(y, k, share, Some(a));
            }
            // What the segment holds back joins the backlog.
            let m = &mut self.made;
            for p in 0..np {
                let held = share * (a.stranded[p] - self.cf_stranded[p]).max(0.0);
                if a.stranded[p] > 0.0 && m.share[p] > 0.0 && held > 0.0 {
                    m.mu.supply[p] += m.share[p] * held;
                    m.pending = true;
                }
            }
        }
    }

    /// Allocates segment `k`.
    pub fn allocate(&mut self, y: &YearTerms, k: usize) -> Allocated {
        let (np, na, nr) = (y.supply.len(), y.capacity.len(), y.contract_max.len());
        let capacity = y.capacity;
        let cuts = self.segments.get(k).1;
        // §5b: a binding cut of a shared asset lowers each route through it to its share.
        let mut shared = false;
        for &(a, f) in cuts {
            let routes = self.shares.through(a);
            if routes.is_empty() || self.cf_flow[a] <= NEGLIGIBLE {
                continue;
            }
            let left = capacity[a] * f;
            if left >= self.cf_flow[a] {
                continue;
            }
            if !shared {
                shared = true;
                self.period_max[..nr].copy_from_slice(y.contract_max);
            }
            let ratio = left / self.cf_flow[a];
            for (r, lanes) in routes {
                let undisrupted: f64 = lanes.iter().map(|&l| self.cf_lane[l]).sum();
                self.period_max[*r] = self.period_max[*r].min(ratio * undisrupted);
            }
        }
        let max = if shared {
            &self.period_max[..nr]
        } else {
            y.contract_max
        };
        let st = &mut self.st;
        let first = self.shipped.len();
        let mut from_twin = cuts.iter().all(|&(a, _)| !self.on_minimum[a]);
        if from_twin {
            let terms = max.iter().zip(y.contract_max).zip(y.contract_min);
            for (r, ((&max, &year_max), &min)) in terms.enumerate() {
                if max.to_bits() == year_max.to_bits() {
                    st.maximum[r] = self.after.2[r];
                } else {
                    st.maximum[r] = max;
                    from_twin &= min <= 0.0;
                }
            }
        }
        if from_twin {
            st.supply[..np].copy_from_slice(&self.after.0[..np]);
            st.capacity[..na].copy_from_slice(&self.after.1[..na]);
            self.shipped
                .extend_from_slice(&self.twin[..self.after_minimums]);
            for &(a, f) in cuts {
                st.capacity[a] = capacity[a] * f;
            }
        } else {
            st.supply[..np].copy_from_slice(y.supply);
            st.capacity[..na].copy_from_slice(capacity);
            for &(a, f) in cuts {
                st.capacity[a] = capacity[a] * f;
            }
            st.maximum[..nr].copy_from_slice(max);
            st.minimum[..nr].copy_from_slice(y.contract_min);
            if !self.order.minimum_steps.is_empty() {
                st.fill::<true>(&self.chains, &self.order.minimum_steps, &mut self.shipped);
            }
        }
        st.fill::<false>(&self.chains, &self.order.steps, &mut self.shipped);
        let mut stranded = [0.0; lean::PRODUCERS];
        for (l, &s) in stranded.iter_mut().zip(&st.supply[..np]) {
            if s > NEGLIGIBLE {
                *l = s;
            }
        }
        let left = self.left.len();
        if self.made.on {
            self.left.extend_from_slice(&st.capacity[..na]);
            self.left.extend_from_slice(&st.maximum[..nr]);
        }
        let a = Allocated {
            segment: k,
            ships: (first, self.shipped.len()),
            stranded,
            left,
        };
        self.allocated.push(a);
        a
    }

    /// Segment `k`'s make-up pass, from the spare its regular allocation left: the twin's
    /// (`None`) or its own.
    pub fn make_up(&mut self, y: &YearTerms, k: usize, share: f64, regular: Option<Allocated>) {
        let (na, nr) = (y.capacity.len(), y.contract_max.len());
        let capacity = y.capacity;
        let m = &mut self.made;
        if !m.steps_ready {
            m.steps.clear();
            let steps = self
                .order
                .steps
                .iter()
                .filter(|s| m.share[s[1] as usize] > 0.0);
            m.steps.extend(steps);
            m.steps_ready = true;
        }
        match regular {
            None => {
                if !m.twin_ready {
                    let route = &mut m.twin_spare.1;
                    route[..nr].fill(0.0);
                    for (&r, &x) in self.lane_route.iter().zip(&self.cf_lane) {
                        route[r as usize] += x;
                    }
                    for (r, &max) in route[..nr].iter_mut().zip(y.contract_max) {
                        *r = max - *r;
                    }
                    let spare = m.twin_spare.0[..na].iter_mut().zip(capacity);
                    for ((s, &c), &f) in spare.zip(&self.cf_flow) {
                        *s = c - f;
                    }
                    m.twin_ready = true;
                }
                m.mu.maximum[..nr].copy_from_slice(&m.twin_spare.1[..nr]);
                m.mu.capacity[..na].copy_from_slice(&m.twin_spare.0[..na]);
                for &(a, f) in self.segments.get(k).1 {
                    m.mu.capacity[a] = capacity[a] * f - self.cf_flow[a];
                }
            }
            Some(seg) => {
                let left = &self.left[seg.left..seg.left + na + nr];
                m.mu.capacity[..na].copy_from_slice(&left[..na]);
                m.mu.maximum[..nr].copy_from_slice(&left[na..]);
            }
        }
        m.any |= m.mu.make_up(&self.chains, &m.steps, share);
        m.pending = m.mu.supply[..y.supply.len()].iter().any(|&b| b > 0.0);
    }
}

/// The recorded years with their outages, and the lean year checked against the engine's: every
/// lane's volume (before make-up too) and its twin's, every producer's stranded and made-up
/// volume and every asset's outage days, bit for bit. `None` for a model it does not cover.
pub fn checked_lean_years<C: Cut>() -> Option<(Run, YearOutages)> {
    let run = record(trials());
    let plans = run.model.supply_plans.iter().any(Option::is_some);
    if plans || !run.model.reservations.is_empty() || !run.model.responses.is_empty() {
        eprintln!("\n  (the lean year covers no supply plans, reservations or market responses)");
        return None;
    }
    let outages = yearly_outages(&run.model);
    assert_eq!(outages.len(), run.years.len());
    let mut lean = LeanYear::<C>::new(&run.model);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for (i, (year, (t, outages))) in run.years.iter().zip(&outages).enumerate() {
        lean.year(&YearTerms::recorded(*t, year, outages));
        let (np, na) = (year.supply.len(), year.capacity.len());
        let nl = year.lane_volume.len();
        let made = &lean.made;
        let regular = if made.any { &made.regular } else { &lean.lane };
        let none = [0.0; lean::PRODUCERS];
        let made_up = if made.on { &made.mu.made } else { &none };
        let pairs = [
            (&lean.cf_lane[..nl], &year.cf_lane_volume),
            (&lean.lane[..nl], &year.lane_volume),
            (&regular[..nl], &year.regular),
            (&lean.stranded[..np], &year.stranded),
            (&made_up[..np], &year.made_up),
            (&lean.days[..na], &year.outage_days),
        ];
        for (what, (lean, engine)) in pairs.iter().enumerate() {
            assert_eq!(bits(lean), bits(engine), "year {i}, value {what}");
        }
    }
    Some((run, outages))
}

/// Every year of `trials()` trials by the lean year (models it covers only), cut by the lean
/// cut (`LeanSegments`) or the engine's (`Segments`, faster over many trials).
#[divan::bench(types = [LeanSegments, Segments])]
fn lean_year<C: Cut>(bencher: divan::Bencher) {
    let Some((run, outages)) = checked_lean_years::<C>() else {
        return;
    };
    let mut lean = LeanYear::<C>::new(&run.model);
    let terms = run.years.iter().zip(&outages);
    let terms = terms.map(|(year, (t, outages))| YearTerms::recorded(*t, year, outages));
    let terms: Vec<_> = terms.collect();
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            for y in &terms {
                lean.year(y);
                black_box(&lean.lane);
            }
        });
}
