#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How one connection to a session's event stream ended.
package enum StreamEnd: Sendable {
    /// No connection: the open failed or was answered with an error.
    case refused(TapError)
    /// The connection ended after delivering `frames` frames.
    case closed(frames: Int, reason: String)
    /// Nothing arrived for the stall timeout.
    case stalled(frames: Int)
    /// The connection stayed alive (keepalives) but the event list held stored events it had not
    /// delivered: a stream that cannot be trusted to bring the reply.
    case missedStoredEvents(frames: Int)
    case cancelled
}

/// The decisions of following a session's event stream (PROTOCOL.md §8), as a pure state machine:
/// `LiveFeed` tells it when a connection opened and how it ended, with the time from its clock, and
/// does what it decides. No I/O, no sleeping and no randomness of its own (the jitter is injected),
/// so every transition is unit tested with a test clock.
///
/// - A connection that lasted (`worthItAfter`) or moved the position on is reopened at once.
/// - Any other end backs off: from `initialBackoff`, doubling to `maxBackoff`, half of it jitter.
/// - 410 (the position is older than the stream keeps): reopen at once without a position, and catch
///   up from the event list once open. A second 410 in a row counts as an empty open.
/// - 429: wait its `Retry-After` (at most twice the maximum backoff), or back off.
/// - Another 4xx: the stream is not served for us; poll instead.
/// - Two opens in a row that delivered nothing (no frame, a stall, a refusal): poll instead.
/// - A stream that kept alive while the event list gained events it never sent: poll instead, at once.
package struct StreamPolicy {
    package struct Settings: Sendable {
        var initialBackoff: TimeInterval
        var maxBackoff: TimeInterval
        /// A connection that stayed open this long was worth it, even if it brought no event.
        var worthItAfter: TimeInterval = 10
        /// The pause before reopening a connection that was worth it.
        var quickReopen: TimeInterval = 0.05
    
        package init(
            initialBackoff: TimeInterval, maxBackoff: TimeInterval, worthItAfter: TimeInterval = 10,
            quickReopen: TimeInterval = 0.05
        ) {
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.worthItAfter = worthItAfter
            self.quickReopen = quickReopen
        }
    }

    package enum Decision: Equatable, Sendable {
        /// Open again after `delay` seconds; `withoutPosition`: ask for new events only, then catch up.
        case reopen(after: TimeInterval, withoutPosition: Bool)
        /// Give the stream up and poll the event list; `reason` for the log.
        case poll(reason: String)
    }

    package let settings: Settings
    /// A number in 0...1 for each backoff's jitter.
    package var unitRandom: () -> Double = { Double.random(in: 0...1) }
    package private(set) var emptyOpens = 0
    package private(set) var failures = 0
    private var lastWasGone = false
    private var openedAt: TimeInterval = 0

    package init(settings: Settings) {
        self.settings = settings
    }

    /// A connection is being opened at `time` (seconds on the caller's clock).
    package mutating func opening(at time: TimeInterval) { openedAt = time }

    /// The connection opened last ended at `time`; `advanced`: it delivered events past the position
    /// it opened at. Never called with `.cancelled` (the caller just stops).
    package mutating func decide(after end: StreamEnd, at time: TimeInterval, advanced: Bool) -> Decision {
        var delay: TimeInterval = 0
        var withoutPosition = false
        switch end {
        case .cancelled:
            return .poll(reason: "cancelled")
        case .closed(let frames, _):
            emptyOpens = frames == 0 ? emptyOpens + 1 : 0
            if frames > 0 && (time - openedAt >= settings.worthItAfter || advanced) {
                failures = 0
                delay = settings.quickReopen
            } else {
                delay = backOff()
            }
            lastWasGone = false
        case .stalled(let frames):
            if frames == 0 { emptyOpens += 1 }
            delay = backOff()
            lastWasGone = false
        case .missedStoredEvents:
            return .poll(reason: "the stream stayed open but did not send events the list holds")
        case .refused(let error):
            guard case .api(let details) = error else {
                emptyOpens += 1
                delay = backOff()
                break
            }
            switch details.status {
            case 410:
                if lastWasGone { emptyOpens += 1 }
                lastWasGone = true
                withoutPosition = true
            case 429:
                emptyOpens += 1
                let backoff = backOff()
                delay = min(settings.maxBackoff * 2, details.retryAfterSeconds ?? backoff)
            case 400..<500:
                return .poll(reason: "the stream was refused (HTTP \(details.status): \(details.message))")
            default:
                emptyOpens += 1
                delay = backOff()
            }
        }
        if emptyOpens >= 2 { return .poll(reason: "the stream delivered nothing twice") }
        return .reopen(after: delay, withoutPosition: withoutPosition)
    }

    /// One more failure, and the jittered backoff for it: half the ceiling fixed, half random.
    private mutating func backOff() -> TimeInterval {
        failures += 1
        let ceiling = Backoff.ceiling(afterFailures: failures, initial: settings.initialBackoff, maximum: settings.maxBackoff)
        return ceiling / 2 + unitRandom() * ceiling / 2
    }
}
