//! The quantities a run reports, named `<kind>/<entity>`, with units and how a trial's years add
//! up to its horizon value.
//!
//! The layout fixes the order of metrics once per model, so the simulation writes plain arrays
//! and every exporter lists metrics in the same stable order.

use serde::Serialize;

/// How a trial's yearly values combine into its horizon value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Horizon {
    Sum,
    Mean,
}

/// A kind of metric; one exists per entity of the matching type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ExportSupply,
    ExportVolume,
    StrandedVolume,
    LostVolume,
    Revenue,
    RevenueUndisrupted,
    LostRevenue,
    TariffsPaid,
    RouteVolume,
    TransitFees,
    Utilisation,
    OutageDays,
    BenchmarkPrice,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::ExportSupply => "export_supply",
            Kind::ExportVolume => "export_volume",
            Kind::StrandedVolume => "stranded_volume",
            Kind::LostVolume => "lost_volume",
            Kind::Revenue => "revenue",
            Kind::RevenueUndisrupted => "revenue_undisrupted",
            Kind::LostRevenue => "lost_revenue",
            Kind::TariffsPaid => "tariffs_paid",
            Kind::RouteVolume => "route_volume",
            Kind::TransitFees => "transit_fees",
            Kind::Utilisation => "utilisation",
            Kind::OutageDays => "outage_days",
            Kind::BenchmarkPrice => "benchmark_price",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Kind::ExportSupply
            | Kind::ExportVolume
            | Kind::StrandedVolume
            | Kind::LostVolume
            | Kind::RouteVolume => "Mt",
            Kind::Revenue
            | Kind::RevenueUndisrupted
            | Kind::LostRevenue
            | Kind::TariffsPaid
            | Kind::TransitFees => "USD million",
            Kind::Utilisation => "fraction",
            Kind::OutageDays => "days",
            Kind::BenchmarkPrice => "USD/bbl",
        }
    }

    pub fn horizon(self) -> Horizon {
        match self {
            Kind::Utilisation | Kind::BenchmarkPrice => Horizon::Mean,
            _ => Horizon::Sum,
        }
    }

    /// Kinds per producer, in report order.
    pub const PRODUCER: [Kind; 8] = [
        Kind::ExportSupply,
        Kind::ExportVolume,
        Kind::StrandedVolume,
        Kind::LostVolume,
        Kind::Revenue,
        Kind::RevenueUndisrupted,
        Kind::LostRevenue,
        Kind::TariffsPaid,
    ];
}

/// One reported metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    pub kind: Kind,
    pub entity: String,
}

impl Metric {
    /// `revenue/Kazakhstan`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind.name(), self.entity)
    }
}

/// Where each metric lives in the per-year value arrays.
#[derive(Debug, Clone)]
pub struct Layout {
    pub metrics: Vec<Metric>,
    /// Index of the first metric of each producer kind: `producer_base[k] + p`.
    producer_base: [usize; 8],
    route_base: usize,
    owner_base: usize,
    utilisation_base: usize,
    outage_base: usize,
    price: usize,
}

impl Layout {
    pub fn new(
        producers: &[String],
        routes: &[String],
        owners: &[String],
        assets: &[String],
    ) -> Layout {
        let mut metrics = Vec::new();
        let mut block = |kind: Kind, names: &[String]| {
            let base = metrics.len();
            metrics.extend(names.iter().map(|n| Metric {
                kind,
                entity: n.clone(),
            }));
            base
        };
        let producer_base = Kind::PRODUCER.map(|k| block(k, producers));
        let route_base = block(Kind::RouteVolume, routes);
        let owner_base = block(Kind::TransitFees, owners);
        let utilisation_base = block(Kind::Utilisation, assets);
        let outage_base = block(Kind::OutageDays, assets);
        let price = block(Kind::BenchmarkPrice, &["Brent".to_string()]);
        Layout {
            metrics,
            producer_base,
            route_base,
            owner_base,
            utilisation_base,
            outage_base,
            price,
        }
    }

    pub fn len(&self) -> usize {
        self.metrics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    /// Slot of a producer metric; `kind` must be one of `Kind::PRODUCER`.
    #[inline]
    pub fn producer(&self, kind: Kind, p: usize) -> usize {
        // The producer kinds are the enum's first eight variants, in `Kind::PRODUCER` order.
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

    /// What each year's value is divided by when a trial's years add up to its horizon value.
    pub fn horizon_divisors(&self, years: usize) -> Vec<f64> {
        self.metrics
            .iter()
            .map(|m| match m.kind.horizon() {
                Horizon::Sum => 1.0,
                Horizon::Mean => years as f64,
            })
            .collect()
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m.id() == id)
    }
}
