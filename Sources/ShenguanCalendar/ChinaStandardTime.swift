// ChinaStandardTime: instants (Int64 milliseconds since the Unix epoch, UTC)
// and their civil dates and RFC 3339 text in China Standard Time.
//
// China Standard Time is a fixed UTC+8 with no daylight saving time, so it is
// applied as a constant offset; the machine's time zone is never consulted.

/// China Standard Time (UTC+8, no daylight saving): conversions between
/// instants, given as `Int64` milliseconds since 1970-01-01T00:00:00Z, and
/// civil dates, plus RFC 3339 formatting and parsing.
///
/// Rule T2 ends a limit at 24:00 CST of its last day; ``startOfDayMillis(_:)``
/// of the following day is that (exclusive) end instant.
public enum ChinaStandardTime {
    /// Milliseconds in a civil day (no leap seconds in Unix time).
    public static let millisPerDay: Int64 = 86_400_000

    /// The CST offset from UTC in milliseconds: +8 hours.
    public static let offsetMillis: Int64 = 8 * 3_600_000

    /// The CST civil date on which the instant `millis` falls.
    public static func civilDate(atMillis millis: Int64) -> CivilDate {
        CivilDate(dayNumber: Int(split(millis).dayNumber))
    }

    /// The CST day number of `millis` and the milliseconds since 00:00 CST
    /// of that day, in `[0, millisPerDay)`. Cannot overflow for any `Int64`.
    static func split(_ millis: Int64) -> (dayNumber: Int64, msOfDay: Int64) {
        let (dayUTC, msOfDayUTC) = floorDivMod(millis, millisPerDay)
        // msOfDayUTC is in [0, millisPerDay); adding the offset crosses into
        // the next CST day when it reaches a full day.
        let ms = msOfDayUTC + offsetMillis
        return ms >= millisPerDay ? (dayUTC + 1, ms - millisPerDay) : (dayUTC, ms)
    }

    /// The instant of 00:00 CST at the start of `date`
    /// (i.e. 16:00 UTC of the previous day).
    public static func startOfDayMillis(_ date: CivilDate) -> Int64 {
        Int64(date.dayNumber) * millisPerDay - offsetMillis
    }

    /// The instant in RFC 3339 form in CST, e.g. `"2026-10-10T00:00:00+08:00"`.
    ///
    /// Milliseconds are printed (`".123"`) only when they are not zero, so
    /// whole-second instants such as deadlines print without a fraction.
    public static func rfc3339CST(millis: Int64) -> String {
        let (dayNumber, msOfDay) = split(millis)
        let date = CivilDate(dayNumber: Int(dayNumber))
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1_000 % 60
        let milli = msOfDay % 1_000
        var text = date.description + "T" + ASCIIDigits.padded(hour, width: 2)
            + ":" + ASCIIDigits.padded(minute, width: 2)
            + ":" + ASCIIDigits.padded(second, width: 2)
        if milli != 0 { text += "." + ASCIIDigits.padded(milli, width: 3) }
        return text + "+08:00"
    }

    /// Parses an RFC 3339 date-time into milliseconds since the Unix epoch.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM:SS`, an optional fraction (`.` and 1 to 9
    /// digits; digits past the millisecond are truncated), and an offset
    /// `Z`, `+hh:mm` or `-hh:mm` (`T` and `Z` may be lower case). Returns
    /// `nil` for anything else, for non-existent dates or times, and for a
    /// leap second (`:60`, which Unix time cannot represent).
    public static func parseRFC3339(_ s: String) -> Int64? {
        let b = Array(s.utf8)
        // Date and time: "YYYY-MM-DDTHH:MM:SS" = 19 bytes.
        guard b.count >= 20,
              b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let y = ASCIIDigits.value(b, 0, 4), let mo = ASCIIDigits.value(b, 5, 2),
              let d = ASCIIDigits.value(b, 8, 2), let h = ASCIIDigits.value(b, 11, 2),
              let mi = ASCIIDigits.value(b, 14, 2), let se = ASCIIDigits.value(b, 17, 2),
              let date = CivilDate(year: y, month: mo, day: d),
              h <= 23, mi <= 59, se <= 59
        else { return nil }

        var i = 19
        var fractionMillis: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            var digits = 0
            var j = i + 1
            while j < b.count, let v = ASCIIDigits.value(b, j, 1) {
                if digits < 3 { fractionMillis = fractionMillis * 10 + Int64(v) }
                digits += 1
                j += 1
            }
            guard (1...9).contains(digits) else { return nil }
            var scale = digits
            while scale < 3 { fractionMillis *= 10; scale += 1 }
            i = j
        }

        guard i < b.count else { return nil }
        var offsetMinutes: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
                  let oh = ASCIIDigits.value(b, i + 1, 2), let om = ASCIIDigits.value(b, i + 4, 2),
                  oh <= 23, om <= 59
            else { return nil }
            offsetMinutes = Int64(oh * 60 + om) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }

        let localMillis = Int64(date.dayNumber) * millisPerDay
            + Int64(h) * 3_600_000 + Int64(mi) * 60_000 + Int64(se) * 1_000 + fractionMillis
        return localMillis - offsetMinutes * 60_000
    }

    /// Floor division and the matching non-negative remainder.
    static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
