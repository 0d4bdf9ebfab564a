//! The quantities a run reports, named `<kind>/<entity>`, with units and how a trial's years add
//! up to its horizon value.
//!
//! The layout fixes the order of metrics once per model, so the simulation writes plain arrays
//! and every exporter lists metrics in the same stable order.

use std::ops::Range;

use serde::Serialize;

/// How a trial's yearly values combine into its horizon value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Horizon {
    Sum,
    Mean,
    /// The largest yearly value: for 0/1 indicators, "in at least one year".
    Max,
}

/// A kind of metric; one exists per entity of the matching type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ExportSupply,
    ExportVolume,
    StrandedVolume,
    LostVolume,
    /// Gross shortfall: what the twin carried on each of the producer's lanes that carried
    /// less when disrupted, less what they carried (before any other lane took the crude).
    DisplacedVolume,
    Revenue,
    RevenueUndisrupted,
    LostRevenue,
    TariffsPaid,
    RouteVolume,
    TransitFees,
    /// Volume through an asset: the sum of the volumes of the routes whose chain holds it.
    AssetVolume,
    Utilisation,
    OutageDays,
    BenchmarkPrice,
    /// Per producer that holds a reservation: its fees net of the tariffs they prepaid.
    ReservationCost,
    /// Per reserved route: the reserved volume that did not ship within the reservation.
    UnusedReservation,
    /// 1 if the producer's stranded volume exceeds the metric's threshold, else 0.
    StrandedOver,
    /// Per producer, in scenarios with make-up: crude that outages held back and that it
    /// shipped later in the year (docs/model.md §5c).
    MadeUpVolume,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::ExportSupply => "export_supply",
            Kind::ExportVolume => "export_volume",
            Kind::StrandedVolume => "stranded_volume",
            Kind::LostVolume => "lost_volume",
            Kind::DisplacedVolume => "displaced_volume",
            Kind::Revenue => "revenue",
            Kind::RevenueUndisrupted => "revenue_undisrupted",
            Kind::LostRevenue => "lost_revenue",
            Kind::TariffsPaid => "tariffs_paid",
            Kind::RouteVolume => "route_volume",
            Kind::TransitFees => "transit_fees",
            Kind::AssetVolume => "asset_volume",
            Kind::Utilisation => "utilisation",
            Kind::OutageDays => "outage_days",
            Kind::BenchmarkPrice => "benchmark_price",
            Kind::ReservationCost => "reservation_cost",
            Kind::UnusedReservation => "unused_reservation",
            Kind::StrandedOver => "stranded_over",
            Kind::MadeUpVolume => "made_up_volume",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Kind::ExportSupply
            | Kind::ExportVolume
            | Kind::StrandedVolume
            | Kind::LostVolume
            | Kind::DisplacedVolume
            | Kind::RouteVolume
            | Kind::AssetVolume
            | Kind::UnusedReservation
            | Kind::MadeUpVolume => "Mt",
            Kind::Revenue
            | Kind::RevenueUndisrupted
            | Kind::LostRevenue
            | Kind::TariffsPaid
            | Kind::TransitFees
            | Kind::ReservationCost => "USD million",
            Kind::Utilisation => "fraction",
            Kind::OutageDays => "days",
            Kind::BenchmarkPrice => "USD/bbl",
            Kind::StrandedOver => "share of trials",
        }
    }

    pub fn horizon(self) -> Horizon {
        match self {
            Kind::Utilisation | Kind::BenchmarkPrice => Horizon::Mean,
            Kind::StrandedOver => Horizon::Max,
            _ => Horizon::Sum,
        }
    }

    /// Kinds per producer, in report order.
    pub const PRODUCER: [Kind; 9] = [
        Kind::ExportSupply,
        Kind::ExportVolume,
        Kind::StrandedVolume,
        Kind::LostVolume,
        Kind::DisplacedVolume,
        Kind::Revenue,
        Kind::RevenueUndisrupted,
        Kind::LostRevenue,
        Kind::TariffsPaid,
    ];
}

// The producer kinds are the enum's first nine variants, in `Kind::PRODUCER` order, so a
// producer's metrics can be held in an array indexed `kind as usize` (`trial::record`).
const _: () = {
    let mut i = 0;
    while i < Kind::PRODUCER.len() {
        assert!(Kind::PRODUCER[i] as usize == i);
        i += 1;
    }
};

/// One reported metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    pub kind: Kind,
    pub entity: String,
    /// Mt/yr, for `StrandedOver` only.
    pub threshold: Option<Threshold>,
}

/// A threshold in Mt/yr, compared by value (thresholds are finite: `check` makes sure).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold(pub f64);

impl Eq for Threshold {}

impl Metric {
    /// `revenue/Kazakhstan`; `stranded_over_5Mt/Kazakhstan`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.name(), self.entity)
    }

    /// The metric's name without its entity: the kind, qualified by its threshold if it has one
    /// (`revenue`, `stranded_over_5Mt`). With the entity it identifies the metric.
    pub fn name(&self) -> String {
        match self.threshold {
            Some(Threshold(x)) => format!("{}_{x}Mt", self.kind.name()),
            None => self.kind.name().to_string(),
        }
    }
}

/// The blocks of metrics a scenario has only when it uses what they report, so that a scenario
/// without reservations or make-up reports the same metrics as before those existed.
#[derive(Debug, Clone, Default)]
pub struct Optional {
    /// Producers that hold a reservation (`reservation_cost`) and the reserved routes
    /// (`unused_reservation`).
    pub holders: Vec<String>,
    pub reserved_routes: Vec<String>,
    /// Whether some producer makes up held-back crude (`made_up_volume` per producer).
    pub made_up: bool,
}

/// Where each metric lives in the per-year value arrays.
#[derive(Debug, Clone)]
pub struct Layout {
    pub metrics: Vec<Metric>,
    /// Index of the first metric of each producer kind: `producer_base[k] + p`.
    producer_base: [usize; 9],
    route_base: usize,
    owner_base: usize,
    asset_volume_base: usize,
    utilisation_base: usize,
    outage_base: usize,
    price: usize,
    /// `reservation_cost` per holder, `unused_reservation` per reserved route (both empty
    /// without reservations, so a scenario without them keeps its layout).
    reservation_cost_base: usize,
    unused_base: usize,
    /// `made_up_volume` per producer (empty without make-up).
    made_up_base: usize,
    /// `stranded_over` indicators, threshold-major: `over_base + i * producers + p`. They come
    /// last, so `over_base` also starts the metrics whose horizon value is a maximum.
    over_base: usize,
    producers: usize,
    thresholds: Vec<f64>,
    /// The slots of each kind's metrics (`blocks[kind as usize]`; empty for a kind the layout
    /// lacks): each kind's metrics are consecutive, so a block can be written as one slice.
    blocks: Vec<Range<usize>>,
}

impl Layout {
    pub fn new(
        producers: &[String],
        routes: &[String],
        owners: &[String],
        assets: &[String],
        stranded_thresholds: &[f64],
        optional: &Optional,
    ) -> Layout {
        let mut metrics = Vec::new();
        let mut block = |kind: Kind, names: &[String]| {
            let base = metrics.len();
            metrics.extend(names.iter().map(|n| Metric {
                kind,
                entity: n.clone(),
                threshold: None,
            }));
            base
        };
        let producer_base = Kind::PRODUCER.map(|k| block(k, producers));
        let route_base = block(Kind::RouteVolume, routes);
        let owner_base = block(Kind::TransitFees, owners);
        let asset_volume_base = block(Kind::AssetVolume, assets);
        let utilisation_base = block(Kind::Utilisation, assets);
        let outage_base = block(Kind::OutageDays, assets);
        let price = block(Kind::BenchmarkPrice, &["Brent".to_string()]);
        let reservation_cost_base = block(Kind::ReservationCost, &optional.holders);
        let unused_base = block(Kind::UnusedReservation, &optional.reserved_routes);
        let made_up = if optional.made_up { producers } else { &[] };
        let made_up_base = block(Kind::MadeUpVolume, made_up);
        let over_base = metrics.len();
        for &x in stranded_thresholds {
            metrics.extend(producers.iter().map(|n| Metric {
                kind: Kind::StrandedOver,
                entity: n.clone(),
                threshold: Some(Threshold(x)),
            }));
        }
        let mut blocks = Vec::new();
        for (i, m) in metrics.iter().enumerate() {
            let k = m.kind as usize;
            if blocks.len() <= k {
                blocks.resize(k + 1, 0..0);
            }
            let b = &mut blocks[k];
            if b.start == b.end {
                b.start = i;
            }
            b.end = i + 1;
        }
        Layout {
            blocks,
            metrics,
            producer_base,
            route_base,
            owner_base,
            asset_volume_base,
            utilisation_base,
            outage_base,
            price,
            reservation_cost_base,
            unused_base,
            made_up_base,
            over_base,
            producers: producers.len(),
            thresholds: stranded_thresholds.to_vec(),
        }
    }

    pub fn len(&self) -> usize {
        self.metrics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    /// The slots of `kind`'s metrics, in entity order (the threshold indicators: threshold-major,
    /// as `stranded_over`).
    #[inline]
    pub fn block(&self, kind: Kind) -> Range<usize> {
        self.blocks.get(kind as usize).cloned().unwrap_or(0..0)
    }

    /// Slot of a producer metric; `kind` must be one of `Kind::PRODUCER`.
    #[inline]
    pub fn producer(&self, kind: Kind, p: usize) -> usize {
        // The producer kinds are the enum's first nine variants, in `Kind::PRODUCER` order.
        debug_assert_eq!(Kind::PRODUCER[kind as usize], kind);
        self.producer_base[kind as usize] + p
    }

    #[inline]
    pub fn route(&self, r: usize) -> usize {
        self.route_base + r
    }

    #[inline]
    pub fn owner(&self, o: usize) -> usize {
        self.owner_base + o
    }

    #[inline]
    pub fn asset_volume(&self, a: usize) -> usize {
        self.asset_volume_base + a
    }

    #[inline]
    pub fn utilisation(&self, a: usize) -> usize {
        self.utilisation_base + a
    }

    #[inline]
    pub fn outage_days(&self, a: usize) -> usize {
        self.outage_base + a
    }

    #[inline]
    pub fn price(&self) -> usize {
        self.price
    }

    /// Slot of the reservation cost of the `h`-th producer that holds a reservation.
    #[inline]
    pub fn reservation_cost(&self, h: usize) -> usize {
        self.reservation_cost_base + h
    }

    /// Slot of the unused volume of the `k`-th reservation.
    #[inline]
    pub fn unused_reservation(&self, k: usize) -> usize {
        self.unused_base + k
    }

    /// Slot of producer `p`'s made-up volume (only in a layout with make-up).
    #[inline]
    pub fn made_up(&self, p: usize) -> usize {
        self.made_up_base + p
    }

    /// The stranded-volume thresholds (Mt/yr), in layout order.
    pub fn stranded_thresholds(&self) -> &[f64] {
        &self.thresholds
    }

    /// Slot of the indicator "producer `p`'s stranded volume exceeds threshold `i`".
    #[inline]
    pub fn stranded_over(&self, i: usize, p: usize) -> usize {
        self.over_base + i * self.producers + p
    }

    /// Metrics before this index add up over the years; from it on, the horizon value is the
    /// largest yearly value (`Horizon::Max`).
    pub fn max_from(&self) -> usize {
        self.over_base
    }

    /// The layout as runs of consecutive metrics that combine over the years alike, in order:
    /// what a trial adds up a run at a time, so that a sum costs an addition and no division.
    pub fn horizon_runs(&self) -> Vec<(Range<usize>, Horizon)> {
        let mut runs: Vec<(Range<usize>, Horizon)> = Vec::new();
        for (i, m) in self.metrics.iter().enumerate() {
            let how = m.kind.horizon();
            match runs.last_mut() {
                Some((r, h)) if *h == how => r.end = i + 1,
                _ => runs.push((i..i + 1, how)),
            }
        }
        runs
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::observations::{Entities, METRICS, entities_of};

    /// `scenario::observations::METRICS` lists what `check` lets a scenario observe; it must be
    /// exactly the metrics a layout holds (less the threshold indicators), with their entities.
    #[test]
    fn every_metric_is_observable_with_its_entities_and_nothing_else_is() {
        let names = |p: &str, n: usize| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
        let (producers, routes, owners, assets) =
            (names("P", 2), names("R", 3), names("O", 1), names("A", 4));
        let layout = Layout::new(
            &producers,
            &routes,
            &owners,
            &assets,
            &[1.0],
            &Optional::default(),
        );
        let mut kinds = Vec::new();
        for m in &layout.metrics {
            if m.kind == Kind::StrandedOver {
                continue;
            }
            let which = entities_of(m.kind.name())
                .unwrap_or_else(|| panic!("{} is not in observations::METRICS", m.kind.name()));
            let list = match which {
                Entities::Producers => &producers,
                Entities::Routes => &routes,
                Entities::Owners => &owners,
                Entities::Assets => &assets,
                Entities::Benchmark => {
                    assert_eq!(m.entity, crate::scenario::observations::BENCHMARK);
                    continue;
                }
            };
            assert!(list.contains(&m.entity), "{}", m.id());
            kinds.push(m.kind.name());
        }
        kinds.push(Kind::BenchmarkPrice.name());
        // Each block holds its kind's metrics and only them.
        for (i, m) in layout.metrics.iter().enumerate() {
            assert!(layout.block(m.kind).contains(&i), "{}", m.id());
            let b = layout.block(m.kind);
            assert!(layout.metrics[b].iter().all(|x| x.kind == m.kind));
        }
        assert_eq!(layout.block(Kind::MadeUpVolume), 0..0);
        kinds.dedup();
        let listed: Vec<&str> = METRICS.iter().map(|(m, _)| *m).collect();
        assert_eq!(kinds, listed);
    }
}
