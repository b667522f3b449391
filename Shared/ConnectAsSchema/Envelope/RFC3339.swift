import Foundation

/// RFC 3339 timestamps in UTC with milliseconds, the precision every platform language can hold (JavaScript's
/// `Date` cannot keep more).
///
/// Hand-rolled over civil-date arithmetic rather than a formatter: the output must be byte-for-byte stable across
/// platforms and Foundation versions, because encoded events are compared and hashed (the audit chain).
public enum RFC3339 {
    /// `2025-03-01T10:15:30.123Z`: always UTC, always three fractional digits. Dates outside years 0001–9999, which
    /// RFC 3339 cannot write, are clamped to that range (see ``isRepresentable(_:)``).
    public static func string(from date: Date) -> String {
        let milliseconds = millisecondsSince1970(date)
        let days = floorDivide(milliseconds, 86_400_000)
        let millisecondOfDay = milliseconds - days * 86_400_000
        let (year, month, day) = civilDate(fromDaysSince1970: days)
        let hour = millisecondOfDay / 3_600_000
        let minute = millisecondOfDay / 60_000 % 60
        let second = millisecondOfDay / 1000 % 60
        let fraction = millisecondOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            + ".\(pad(fraction, 3))Z"
    }

    /// Reads any RFC 3339 `date-time`: `T` or `t`, any number of fractional digits (kept to the millisecond,
    /// truncated), `Z` or a numeric offset. Returns nil for anything else, including impossible dates.
    public static func date(from string: String) -> Date? {
        var scanner = Scanner(Array(string.utf8))
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
            let day = scanner.digits(2), scanner.skip("T") || scanner.skip("t"), let hour = scanner.digits(2),
            scanner.skip(":"), let minute = scanner.digits(2), scanner.skip(":"), let second = scanner.digits(2)
        else { return nil }
        var milliseconds: Int64 = 0
        if scanner.skip(".") {
            let fraction = scanner.fraction()
            guard fraction.count > 0 else { return nil }
            milliseconds = Int64((fraction + "00").prefix(3))!
        }
        var offsetMinutes: Int64 = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offsetMinutes = 0
        } else if let sign: Int64 = scanner.skip("+") ? 1 : scanner.skip("-") ? -1 : nil,
            let offsetHour = scanner.digits(2), scanner.skip(":"), let offsetMinute = scanner.digits(2),
            offsetHour < 24, offsetMinute < 60
        {
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        } else {
            return nil
        }
        guard scanner.atEnd, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return Date(timeIntervalSince1970: Double(seconds * 1000 + milliseconds) / 1000)
    }

    /// The date as it will read back after a trip through the wire; builders store this so that a decoded event
    /// equals the one that was encoded.
    public static func normalized(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(millisecondsSince1970(date)) / 1000)
    }

    /// Whether the date lies in years 0001–9999, the range RFC 3339 can write.
    public static func isRepresentable(_ date: Date) -> Bool {
        let milliseconds = date.timeIntervalSince1970 * 1000
        return milliseconds >= Double(representable.lowerBound) && milliseconds <= Double(representable.upperBound)
    }

    /// 0001-01-01T00:00:00.000Z through 9999-12-31T23:59:59.999Z, in milliseconds since 1970.
    private static let representable: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    // Rounds, not truncates: a Double holding .123 is really .12299999…, which truncating would write as .122.
    // Clamps first, so that no Date (not even infinity or NaN) can trap the conversion to an integer.
    private static func millisecondsSince1970(_ date: Date) -> Int64 {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite else {
            return milliseconds > 0 ? representable.upperBound : representable.lowerBound
        }
        return Int64(
            min(max(milliseconds, Double(representable.lowerBound)), Double(representable.upperBound)))
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian arithmetic, no calendar object.
    private static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(fromDaysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += count
            return value
        }

        mutating func fraction() -> String {
            var digits = ""
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                digits.append(Character(Unicode.Scalar(bytes[index])))
                index += 1
            }
            return digits
        }
    }
}
