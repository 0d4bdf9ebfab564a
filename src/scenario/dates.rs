//! Calendar dates in scenario files ("2027-03-01", "11-01") as days of a 365-day model year.
//!
//! The model counts time in days from 1 January of the first simulated year, with every year 365
//! days long (29 February does not exist in the model; `docs/model.md` says why this is harmless).

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

#[cfg(test)]
mod tests {
    use super::*;

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
