//! Calendar dates in scenario files ("2027-03-01", "11-01") as days of a 365-day model year.
//!
//! The model counts time in days from 1 January of the first simulated year, with every year 365
//! days long (29 February does not exist in the model; `docs/model.md` says why this is harmless).
//!
//! It also holds the crate's one conversion between real (proleptic Gregorian) dates and days
//! since 1970-01-01, for event logs (`fit-events`) and the time stamps of reports and folders:
//! no date crate is in the dependency tree, and two functions do not justify one.

const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Days in a model year.
pub const YEAR_DAYS: f64 = 365.0;

/// "MM-DD" → 0-based day of the model year.
pub fn parse_month_day(s: &str) -> Result<u32, String> {
    let (m, d) = s.split_once('-').ok_or_else(|| {
        format!("\"{s}\" is not a month and day; write \"MM-DD\", e.g. \"11-01\"")
    })?;
    day_of_year(m, d, s)
}

/// "YYYY-MM-DD" → (year, 0-based day of the model year).
pub fn parse_date(s: &str) -> Result<(i32, u32), String> {
    let bad = || format!("\"{s}\" is not a date; write \"YYYY-MM-DD\", e.g. \"2027-03-01\"");
    let mut parts = s.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if y.len() != 4 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    Ok((year, day_of_year(m, d, s)?))
}

fn day_of_year(m: &str, d: &str, whole: &str) -> Result<u32, String> {
    let bad = || format!("\"{whole}\": month and day must be numbers, as in \"03-01\"");
    let month: u32 = m.parse().map_err(|_| bad())?;
    let day: u32 = d.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(format!(
            "\"{whole}\": month {month} is not between 1 and 12"
        ));
    }
    let len = MONTH_DAYS[(month - 1) as usize];
    if month == 2 && day == 29 {
        return Err(format!(
            "\"{whole}\": the model's years have 365 days; use 02-28 or 03-01"
        ));
    }
    if day == 0 || day > len {
        return Err(format!(
            "\"{whole}\": day {day} does not exist in month {month} (1..={len})"
        ));
    }
    Ok(MONTH_DAYS[..(month - 1) as usize].iter().sum::<u32>() + day - 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). Real calendar
/// dates, not model days: event logs (`fit-events`) and the time stamps of reports use them.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of day `z` since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        for z in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn days_of_year() {
        assert_eq!(parse_month_day("01-01"), Ok(0));
        assert_eq!(parse_month_day("03-01"), Ok(59));
        assert_eq!(parse_month_day("12-31"), Ok(364));
        assert_eq!(parse_date("2027-04-30"), Ok((2027, 119)));
    }

    #[test]
    fn bad_dates_say_what_to_write() {
        assert!(parse_month_day("13-01").unwrap_err().contains("month 13"));
        assert!(parse_month_day("02-29").unwrap_err().contains("365 days"));
        assert!(parse_month_day("04-31").unwrap_err().contains("day 31"));
        assert!(parse_date("27-03-01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2027/03/01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_month_day("x").unwrap_err().contains("MM-DD"));
    }
}
