/// A duration the user sets, with the one range it is accepted in wherever it is given (the
/// environment, the C options, the core's arguments), so every surface checks it the same way.
public struct SecondsSetting: Sendable {
    public let range: ClosedRange<Double>

    /// How often a polling wait reads new events (`CCTAP_POLL_INTERVAL`, `poll_interval`).
    public static let pollInterval = SecondsSetting(range: 0.05...60)
    /// Bound on one read or post (`CCTAP_REQUEST_TIMEOUT`, the C option `request_timeout`).
    public static let requestTimeout = SecondsSetting(range: 0.1...600)
    /// How long one wait may last (`timeout` of send-and-wait and wait-for-reply).
    public static let wait = SecondsSetting(range: 0...3600)

    /// `value` if it is a number in range; otherwise an error naming the setting as the user wrote
    /// it (`name`), the range, and what was given (`given`, shortened: it may be anything).
    public func checked(_ value: Double?, name: String, given: String) throws(TapError) -> Double {
        guard let value, value.isFinite, range.contains(value) else {
            throw TapError.invalidArgument(
                "\(name) must be a number of seconds from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound)) (got \(given.prefix(40))).")
        }
        return value
    }

    public func checked(_ value: Double, name: String) throws(TapError) -> Double {
        try checked(value, name: name, given: Self.text(value))
    }

    /// 60 rather than 60.0; 0.05 as it is.
    package static func text(_ seconds: Double) -> String {
        seconds.isFinite && seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}
