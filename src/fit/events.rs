//! Reading an event log: one disruption per row, `asset,start,end,severity`.
//!
//! Every problem is reported with its line, all at once, so an analyst fixes the file in one
//! pass. Dates are real calendar dates (29 February exists here: this is history, not the
//! model's 365-day year); `start` and `end` are both inclusive, as in a scenario's forced events.
//! Lines starting with `#` are comments (sources); columns other than the four are ignored, so a
//! log may carry a description and a source for each row. One event per line: a quoted field may
//! hold commas but not line breaks.

use std::fmt;

use crate::scenario::dates::{civil_from_days, days_from_civil};

/// A calendar date as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub i64);

impl Date {
    /// "YYYY-MM-DD".
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("\"{s}\" is not a date; write YYYY-MM-DD, e.g. 2025-11-29");
        let mut parts = s.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>())
        else {
            return Err(bad());
        };
        if !(1..=12).contains(&month) {
            return Err(format!("\"{s}\": month {month} is not between 1 and 12"));
        }
        let len = month_len(year, month);
        if day == 0 || day > len {
            return Err(format!(
                "\"{s}\": day {day} does not exist in {year}-{month:02} (1..={len})"
            ));
        }
        Ok(Date(days_from_civil(year, month, day)))
    }

    pub fn from_ymd(year: i64, month: u32, day: u32) -> Date {
        Date(days_from_civil(year, month, day))
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn year(self) -> i64 {
        self.ymd().0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_len(y: i64, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One disruption in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub asset: String,
    pub start: Date,
    /// Inclusive.
    pub end: Date,
    /// Fraction of capacity lost, in [0, 1].
    pub severity: f64,
    /// Line in the file (for messages).
    pub line: u64,
}

impl Event {
    /// Days the event lasted, counting both ends (a one-day event lasts 1 day).
    pub fn days(&self) -> f64 {
        (self.end.0 - self.start.0 + 1) as f64
    }
}

/// A problem in the log; line 0 when it concerns the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogError {
    pub line: u64,
    pub message: String,
}

const COLUMNS: [&str; 4] = ["asset", "start", "end", "severity"];

/// One line as CSV fields (quotes allowed; a quoted field cannot span lines).
fn split(line: &str) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        Some(Ok(r)) => Ok(r.iter().map(str::to_string).collect()),
        Some(Err(e)) => Err(e.to_string()),
        None => Ok(Vec::new()),
    }
}

/// Reads an event log; every problem found, each with its line.
pub fn read_events(text: &str) -> Result<Vec<Event>, Vec<LogError>> {
    // Line numbers are counted here, not by the csv reader, which skips comments uncounted.
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return Err(vec![LogError {
            line: 0,
            message: "is empty; write a header asset,start,end,severity and one row per event"
                .into(),
        }]);
    };
    let headers = split(header).map_err(|e| {
        vec![LogError {
            line: header_line,
            message: format!("cannot read the header: {e}"),
        }]
    })?;
    let mut index = [0usize; 4];
    let mut missing = Vec::new();
    for (slot, col) in index.iter_mut().zip(COLUMNS) {
        match headers.iter().position(|h| h.eq_ignore_ascii_case(col)) {
            Some(i) => *slot = i,
            None => missing.push(col),
        }
    }
    if !missing.is_empty() {
        return Err(vec![LogError {
            line: header_line,
            message: format!(
                "the header lacks the column(s) {}; it must name asset,start,end,severity (found: {})",
                missing.join(", "),
                headers.join(",")
            ),
        }]);
    }
    let (mut events, mut errors) = (Vec::new(), Vec::new());
    for (line, text) in lines {
        let record = match split(text) {
            Ok(r) if r.len() == headers.len() => r,
            Ok(r) => {
                errors.push(LogError {
                    line,
                    message: format!(
                        "has {} fields but the header has {}; quote fields that contain commas",
                        r.len(),
                        headers.len()
                    ),
                });
                continue;
            }
            Err(e) => {
                errors.push(LogError {
                    line,
                    message: format!("cannot read this row: {e}"),
                });
                continue;
            }
        };
        let mut problem = |message: String| errors.push(LogError { line, message });
        let field = |i: usize| record.get(index[i]).map_or("", String::as_str);
        let asset = field(0).to_string();
        if asset.is_empty() {
            problem("asset is empty; name the asset the event hit".into());
        }
        let start = Date::parse(field(1)).map_err(|e| problem(format!("start: {e}")));
        let end = Date::parse(field(2)).map_err(|e| problem(format!("end: {e}")));
        let severity = match field(3).parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Some(v),
            Ok(v) => {
                problem(format!(
                    "severity {v} is outside [0, 1]; give the fraction of capacity lost (0.4 = 40%)"
                ));
                None
            }
            Err(_) => {
                problem(format!(
                    "severity \"{}\" is not a number; give the fraction of capacity lost (0.4 = 40%)",
                    field(3)
                ));
                None
            }
        };
        if let (Ok(s), Ok(e)) = (start, end)
            && e < s
        {
            problem(format!("end {e} is before start {s}"));
            continue;
        }
        if let (Ok(start), Ok(end), Some(severity), false) =
            (start, end, severity, asset.is_empty())
        {
            events.push(Event {
                asset,
                start,
                end,
                severity,
                line,
            });
        }
    }
    if events.is_empty() && errors.is_empty() {
        errors.push(LogError {
            line: 0,
            message: "has no events; add rows asset,start,end,severity under the header".into(),
        });
    }
    if errors.is_empty() {
        Ok(events)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        assert_eq!(Date::parse("1970-01-01"), Ok(Date(0)));
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Ok("2024-02-29")
        );
        assert!(Date::parse("2023-02-29").unwrap_err().contains("day 29"));
        assert!(Date::parse("2023-13-01").unwrap_err().contains("month 13"));
        assert!(
            Date::parse("2023/01/01")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        let a = Date::parse("2022-01-01").unwrap();
        let b = Date::parse("2025-12-31").unwrap();
        assert_eq!(b.0 - a.0 + 1, 1461);
    }

    #[test]
    fn reads_rows_with_comments_and_extra_columns() {
        let text = "# source: facts.md\nasset,start,end,severity,note\n\
                    CPC terminal,2022-03-23,2022-04-25,0.67,\"storm, 2 SPMs\"\n\
                    # a comment between rows\n\
                    CPC pipeline,2025-02-17,2025-02-17,0.35,one day\n";
        let ev = read_events(text).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].days(), 34.0);
        assert_eq!(ev[1].days(), 1.0);
        assert_eq!(ev[1].line, 5);
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let text = "asset,start,end,severity\n\
                    A,2022-03-23,2022-04-25,0.5\n\
                    A,2022-13-01,2022-04-25,0.5\n\
                    A,2022-05-01,2022-04-25,0.5\n\
                    A,2022-05-01,2022-05-25,1.5\n\
                    ,2022-05-01,2022-05-25,0.5\n\
                    A,2022-05-01,2022-05-25,x\n";
        let errs = read_events(text).unwrap_err();
        let lines: Vec<u64> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{errs:?}");
        assert!(errs[0].message.contains("month 13"));
        assert!(errs[1].message.contains("before start"));
        assert!(errs[2].message.contains("outside [0, 1]"));
        assert!(errs[3].message.contains("asset is empty"));
        assert!(errs[4].message.contains("not a number"));
        let missing =
            read_events("asset,begin,end,severity\nA,2022-01-01,2022-01-02,1\n").unwrap_err();
        assert!(missing[0].message.contains("start"), "{missing:?}");
    }
}
