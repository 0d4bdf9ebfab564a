//! The simulation `compare` and `sweep` share: several compiled models run on the same trials
//! (common random numbers, `analysis::paired`), timed, and described for run.json. The two
//! commands differ only in what they are called, how they name their input and what they export.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use corridor::analysis::paired::{self, PairedSpec, PairedStats, Shared};
use corridor::engine::EngineError;
use corridor::engine::progress::Progress;
use corridor::model::Model;
use corridor::output::RunInfo;

use super::estimate::Job;
use super::pipeline;

/// Models, the metrics they share and the paired run's seeds, trials and threads.
pub struct PairedRun {
    pub models: Vec<Model>,
    pub shared: Vec<Shared>,
    pub spec: PairedSpec,
}

impl PairedRun {
    /// The job the pipeline estimates and shows progress for; `what` names the models
    /// ("scenarios", "variants").
    pub fn job(&self, what: &str) -> Job {
        Job::paired(self.spec.trials, self.models.len(), what)
    }

    /// The first seconds of the run, for `--estimate`.
    pub fn measure(&self, cancel: &AtomicBool, progress: &Progress) -> Result<(), EngineError> {
        self.stats(cancel, progress).map(|_| ())
    }

    /// The paired statistics and the run's metadata; `file` names the input in run.json.
    pub fn run(
        &self,
        file: &str,
        threads: Option<u16>,
        cancel: &AtomicBool,
        progress: &Progress,
    ) -> Result<(PairedStats, RunInfo), EngineError> {
        let started = Instant::now();
        let stats = self.stats(cancel, progress)?;
        let info = pipeline::run_info(
            file,
            pipeline::threads(threads),
            started.elapsed(),
            self.spec.trials * self.models.len() as u64,
            self.models[0].year_count(),
        );
        Ok((stats, info))
    }

    fn stats(&self, cancel: &AtomicBool, progress: &Progress) -> Result<PairedStats, EngineError> {
        paired::run_paired(&self.models, &self.shared, &self.spec, cancel, progress)
    }
}
