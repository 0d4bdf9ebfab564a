//! `trials.csv` (with `--keep-trials`): each trial's horizon values, one row per trial, streamed
//! in trial order so memory does not grow with trials.

use crate::output::error::{Error, Result};

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::model::Layout;

pub struct TrialsCsv {
    w: csv::Writer<BufWriter<File>>,
}

impl TrialsCsv {
    pub fn create(path: &Path, layout: &Layout) -> Result<TrialsCsv> {
        let mut w = csv::Writer::from_writer(BufWriter::new(File::create(path)?));
        let mut header = vec!["trial".to_string()];
        header.extend(layout.metrics.iter().map(|m| m.id()));
        w.write_record(&header)?;
        Ok(TrialsCsv { w })
    }

    pub fn rows(&mut self, rows: &[(u64, Vec<f64>)]) -> std::io::Result<()> {
        for (trial, values) in rows {
            let mut rec = Vec::with_capacity(values.len() + 1);
            rec.push(trial.to_string());
            rec.extend(values.iter().map(|v| v.to_string()));
            self.w.write_record(&rec)?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.w.flush()?;
        self.w
            .into_inner()
            .map_err(Error::from)?
            .into_inner()
            .map_err(|e| Error::Io(e.into_error()))?
            .sync_all()?;
        Ok(())
    }
}
