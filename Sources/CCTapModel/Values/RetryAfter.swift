#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads a `Retry-After` header (RFC 9110 §10.2.3): a whole number of seconds, or an HTTP date.
///
/// It comes from the network, so nothing in it may trap or mislead: a negative, fractional,
/// non-numeric (`inf`, `nan`, `1e300`) or absurd value (beyond `longest`) counts as no header at all,
/// and the caller backs off on its own instead.
public enum RetryAfter {
    /// Longer than this is taken as nonsense rather than advice (a day).
    public static let longest: Double = 86_400

    /// Seconds to wait from `now`, or nil when the header is absent or unusable.
    public static func seconds(_ header: String?, now: Date = Date()) -> Double? {
        guard let text = header?.trimmed, !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // delay-seconds = 1*DIGIT; more than 6 digits is past `longest` already (and may not fit an Int).
            guard text.utf8.count <= 6, let value = Double(text), value <= longest else { return nil }
            return value
        }
        guard let date = HTTPDate.parse(text) else { return nil }
        let wait = date.timeIntervalSince(now)
        guard wait.isFinite, wait <= longest else { return nil }
        return max(0, wait)
    }
}

/// The IMF-fixdate form of an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), the one servers send.
enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Date? {
        // "Sun, 06 Nov 1994 08:49:37 GMT" -> ["Sun,", "06", "Nov", "1994", "08:49:37", "GMT"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), (1...31).contains(day),
            let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3]), (1970...9999).contains(year)
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month + 1, day: day)
        let seconds = Double(days) * 86_400 + Double(clock[0] * 3600 + clock[1] * 60 + clock[2])
        return Date(timeIntervalSince1970: seconds)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
