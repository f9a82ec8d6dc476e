//! Dates and times as the platform shows them: China Standard Time (UTC+8, no
//! daylight saving), `2026-12-03 14:05`; dates `YYYY-MM-DD`. The 公开 deadline is
//! the 批复日期 plus 20 calendar days (部门决算公开: within 20 days of approval).

/// Days after 批复 within which the report must be public.
pub const PUBLISH_WITHIN_DAYS: i64 = 20;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A `YYYY-MM-DD` date as a day number, if it is a real date between 1949 and 2200.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1949..=2200).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    let day = days_from_civil(y, m, d);
    (civil_from_days(day) == (y, m, d)).then_some(day)
}

/// A day number as `YYYY-MM-DD`.
pub fn format_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The deadline of a 批复日期.
pub fn deadline(approval: &str) -> Option<String> {
    parse_date(approval).map(|d| format_date(d + PUBLISH_WITHIN_DAYS))
}

const CST: i64 = 8 * 3600;

/// Today in China, as a day number.
pub fn today() -> i64 {
    (crate::db::now() + CST).div_euclid(86_400)
}

/// Unix seconds as `2026-12-03 14:05` China time.
pub fn format_time(t: i64) -> String {
    let local = t + CST;
    let (day, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    format!(
        "{} {:02}:{:02}",
        format_date(day),
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Unix seconds as `2026-12-03` China time.
pub fn format_day(t: i64) -> String {
    format_date((t + CST).div_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_deadline() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            parse_date("2024-02-29").map(format_date).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("20230101"), None);
        assert_eq!(deadline("2023-08-20").as_deref(), Some("2023-09-09"));
        assert_eq!(deadline("2024-12-25").as_deref(), Some("2025-01-14"));
        assert_eq!(format_time(0), "1970-01-01 08:00");
    }
}
