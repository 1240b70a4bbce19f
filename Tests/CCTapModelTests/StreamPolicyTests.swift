@testable import CCTapModel
import Testing

/// The stream's reconnect policy, transition by transition, on a test clock (plain numbers of
/// seconds) and with the jitter fixed, so each decision is exact.
@Suite struct StreamPolicyTests {
    /// Backoff from 1 s doubling to 30 s; jitter 0 (the fixed half) unless a test says otherwise.
    func policy(jitter: Double = 0) -> StreamPolicy {
        var policy = StreamPolicy(settings: .init(initialBackoff: 1, maxBackoff: 30))
        policy.unitRandom = { jitter }
        return policy
    }

    static func api(_ status: Int, retryAfter: Double? = nil) -> StreamEnd {
        .refused(.api(APIErrorDetails(status: status, type: "x", message: "m", retryAfterSeconds: retryAfter, route: "GET /s")))
    }

    @Test func aConnectionThatLastedOrDeliveredIsReopenedAtOnce() {
        var p = policy()
        p.opening(at: 0)
        #expect(p.decide(after: .closed(frames: 3, reason: "eof"), at: 12, advanced: false) == .reopen(after: 0.05, withoutPosition: false))
        p.opening(at: 12)
        #expect(p.decide(after: .closed(frames: 3, reason: "eof"), at: 13, advanced: true) == .reopen(after: 0.05, withoutPosition: false))
        #expect(p.failures == 0 && p.emptyOpens == 0)
    }

    @Test func aShortConnectionBacksOffDoublingToTheCap() {
        var p = policy()
        var delays: [Double] = []
        var clock = 0.0
        for _ in 0..<7 {
            p.opening(at: clock)
            clock += 1
            // A frame, then closed at once, with nothing new: not worth it, but not empty either.
            if case .reopen(let delay, _) = p.decide(after: .closed(frames: 1, reason: "eof"), at: clock, advanced: false) {
                delays.append(delay)
            }
        }
        #expect(delays == [0.5, 1, 2, 4, 8, 15, 15])  // half of 1, 2, 4, 8, 16, 30, 30
        // Full jitter adds the other half.
        var jittered = policy(jitter: 1)
        jittered.opening(at: 0)
        #expect(jittered.decide(after: .closed(frames: 1, reason: "eof"), at: 1, advanced: false) == .reopen(after: 1, withoutPosition: false))
    }

    @Test func aGoodConnectionResetsTheBackoff() {
        var p = policy()
        p.opening(at: 0)
        _ = p.decide(after: .stalled(frames: 2), at: 35, advanced: false)
        p.opening(at: 35.5)
        _ = p.decide(after: .closed(frames: 1, reason: "eof"), at: 36, advanced: false)
        #expect(p.failures == 2)
        p.opening(at: 40)
        _ = p.decide(after: .closed(frames: 9, reason: "eof"), at: 41, advanced: true)
        #expect(p.failures == 0)
        p.opening(at: 41)
        #expect(p.decide(after: .stalled(frames: 1), at: 80, advanced: false) == .reopen(after: 0.5, withoutPosition: false))
    }

    @Test func twoEmptyOpensGiveTheStreamUp() {
        var p = policy()
        p.opening(at: 0)
        #expect(p.decide(after: .closed(frames: 0, reason: "eof"), at: 1, advanced: false) == .reopen(after: 0.5, withoutPosition: false))
        p.opening(at: 2)
        #expect(p.decide(after: .stalled(frames: 0), at: 40, advanced: false) == .poll(reason: "the stream delivered nothing twice"))
    }

    @Test func aFrameBetweenEmptyOpensStartsTheCountAgain() {
        var p = policy()
        p.opening(at: 0)
        _ = p.decide(after: .closed(frames: 0, reason: "eof"), at: 1, advanced: false)
        p.opening(at: 2)
        _ = p.decide(after: .closed(frames: 1, reason: "eof"), at: 3, advanced: false)
        p.opening(at: 4)
        #expect(p.decide(after: .closed(frames: 0, reason: "eof"), at: 5, advanced: false) != .poll(reason: "the stream delivered nothing twice"))
    }

    @Test func goneReopensWithoutAPositionAndTwiceInARowCountsAsEmpty() {
        var p = policy()
        p.opening(at: 0)
        #expect(p.decide(after: Self.api(410), at: 0.1, advanced: false) == .reopen(after: 0, withoutPosition: true))
        #expect(p.emptyOpens == 0)
        p.opening(at: 0.2)
        #expect(p.decide(after: Self.api(410), at: 0.3, advanced: false) == .reopen(after: 0, withoutPosition: true))
        #expect(p.emptyOpens == 1)
        p.opening(at: 0.4)
        #expect(p.decide(after: Self.api(410), at: 0.5, advanced: false) == .poll(reason: "the stream delivered nothing twice"))
    }

    @Test func rateLimitWaitsItsRetryAfterUpToTwiceTheCap() {
        var p = policy()
        p.opening(at: 0)
        #expect(p.decide(after: Self.api(429, retryAfter: 7), at: 0.1, advanced: false) == .reopen(after: 7, withoutPosition: false))
        var q = policy()
        q.opening(at: 0)
        #expect(q.decide(after: Self.api(429, retryAfter: 600), at: 0.1, advanced: false) == .reopen(after: 60, withoutPosition: false))
        var r = policy()
        r.opening(at: 0)
        #expect(r.decide(after: Self.api(429), at: 0.1, advanced: false) == .reopen(after: 0.5, withoutPosition: false))
    }

    @Test func otherClientErrorsMeanPollAndServerErrorsBackOff() {
        var p = policy()
        p.opening(at: 0)
        #expect(p.decide(after: Self.api(404), at: 0.1, advanced: false) == .poll(reason: "the stream was refused (HTTP 404: m)"))
        var q = policy()
        q.opening(at: 0)
        #expect(q.decide(after: Self.api(503), at: 0.1, advanced: false) == .reopen(after: 0.5, withoutPosition: false))
        q.opening(at: 1)
        #expect(q.decide(after: .refused(.network("reset")), at: 1.1, advanced: false) == .poll(reason: "the stream delivered nothing twice"))
    }
}
