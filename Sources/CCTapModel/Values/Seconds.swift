/// Turning seconds that may come from outside (a header, a file, a setting) into whole numbers and
/// sleeps without trapping: Swift's `Int(_: Double)` traps on NaN, infinities and values past
/// `Int.max`, which one odd header once turned into a crash of the host program.
public enum Seconds {
    /// `value` rounded up to a whole number, or nil when it is not finite or not within ±`bound`.
    public static func whole(_ value: Double, bound: Double = 1e12) -> Int? {
        guard value.isFinite, abs(value) <= bound else { return nil }
        return Int(value.rounded(.up))
    }

    /// Nanoseconds for a sleep of `value` seconds, clamped to 0 ... one day (NaN sleeps not at all).
    public static func nanoseconds(_ value: Double) -> UInt64 {
        guard value.isFinite, value > 0 else { return 0 }
        return UInt64(min(value, 86_400) * 1_000_000_000)
    }

    /// Sleeps `value` seconds (clamped as `nanoseconds` does); throws `TapError.cancelled` when the task is cancelled.
    public static func sleep(_ value: Double) async throws(TapError) {
        do { try await Task.sleep(nanoseconds: nanoseconds(value)) } catch { throw .cancelled }
    }
}
