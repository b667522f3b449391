import Foundation

/// `timestamptz` text in and out, to the microsecond (PostgreSQL's precision).
///
/// Hand-rolled because the format is fixed (connections set `DateStyle = ISO` and `TimeZone = UTC`) and Foundation's
/// formatters stop at milliseconds and depend on locale and calendar settings.
enum PostgresTimestamp {
    /// Seconds from 1970 to 2001, the epoch of `Date.timeIntervalSinceReferenceDate`.
    private static let referenceOffset: Int64 = 978_307_200

    static func format(_ date: Date) -> String {
        // From Date's own reference (2001) rather than 1970: fewer bits lost to the Double for today's dates.
        let micros = Int64((date.timeIntervalSinceReferenceDate * 1_000_000).rounded()) + referenceOffset * 1_000_000
        let seconds = micros.floorDivided(by: 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        // Proleptic Gregorian without a year 0: astronomical year 0 is 1 BC.
        let era = year <= 0 ? " BC" : ""
        return pad(year <= 0 ? 1 - year : year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " "
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            + "." + pad(fraction, 6) + "+00" + era
    }

    /// Reads `timestamptz`, `timestamp` (taken as UTC) and `date` output in ISO style.
    static func parse(_ text: String) throws -> Date {
        let invalid = PostgresError(.decodingFailed, message: "not a timestamp in ISO format")
        if text == "infinity" || text == "-infinity" {
            throw PostgresError(.decodingFailed, message: "an infinite timestamp has no Date")
        }
        var rest = Substring(text)
        var beforeChrist = false
        if rest.hasSuffix(" BC") {
            beforeChrist = true
            rest = rest.dropLast(3)
        }
        let parts = rest.split(separator: " ", maxSplits: 1)
        let dateFields = parts[0].split(separator: "-")
        guard dateFields.count == 3, var year = Int64(dateFields[0]), let month = Int64(dateFields[1]),
            let day = Int64(dateFields[2]), (1...12).contains(month), (1...31).contains(day)
        else { throw invalid }
        if beforeChrist { year = 1 - year }
        var seconds = days(fromCivil: year, month, day) * 86_400
        var micros: Int64 = 0
        if parts.count == 2 {
            var time = parts[1]
            var offset: Int64 = 0
            if let signIndex = time.firstIndex(where: { $0 == "+" || $0 == "-" }) {
                let sign: Int64 = time[signIndex] == "-" ? -1 : 1
                let fields = time[time.index(after: signIndex)...].split(separator: ":").map { Int64($0) }
                guard (1...3).contains(fields.count), fields.allSatisfy({ $0 != nil }) else { throw invalid }
                let values = fields.map { $0! } + [0, 0]
                offset = sign * (values[0] * 3600 + values[1] * 60 + values[2])
                time = time[..<signIndex]
            }
            let clock = time.split(separator: ":")
            guard clock.count == 3, let hour = Int64(clock[0]), let minute = Int64(clock[1]) else { throw invalid }
            let secondParts = clock[2].split(separator: ".", maxSplits: 1)
            guard let second = Int64(secondParts[0]) else { throw invalid }
            if secondParts.count == 2 {
                let digits = secondParts[1].prefix(6)
                guard let value = Int64(digits), digits.allSatisfy(\.isASCII) else { throw invalid }
                micros = value * Int64(pow(10.0, Double(6 - digits.count)))
            }
            seconds += hour * 3600 + minute * 60 + second - offset
        }
        return Date(timeIntervalSinceReferenceDate: Double(seconds - referenceOffset) + Double(micros) / 1_000_000)
    }

    // Howard Hinnant's days_from_civil / civil_from_days, exact for every Int64 year in range.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
