/// The one backoff rule, for request retries and stream reconnects alike: the wait's ceiling starts
/// at `initial` and doubles with each failure up to `maximum`; callers wait between half the ceiling
/// and all of it (jitter), so many clients do not retry in step.
package enum Backoff {
    /// The ceiling after `failures` failures in a row (1 for the first).
    package static func ceiling(afterFailures failures: Int, initial: Double, maximum: Double) -> Double {
        // 2^(failures - 1), exactly, without libm.
        let doubling = Double(sign: .plus, exponent: min(max(failures, 1) - 1, 62), significand: 1)
        return min(maximum, initial * doubling)
    }
}
