@testable import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// A service that answers, then misbehaves: a body that stalls after its headers, and an event stream
/// that keeps alive while it withholds the events. Each ends in bounded time with the truth.
@Suite struct HostileServiceTests {
    @Test func aBodyThatStallsAfterItsHeadersIsATimeoutAfterTheRetries() async throws {
        // Each attempt's bound must outlast the head's arrival on a loaded machine (CI once took over
        // 0.5 s to send it, and the last attempt then rightly said nothing began); the hold outlasts
        // every bound by far, so only the client's own deadline can end the exchange.
        try await withEmulator(tune: { $0.requestTimeout = 3 }) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .stallBody, method: "GET", route: "/v1/code/sessions", times: nil, seconds: 900))
            let started = Date()
            let error = await tapError { _ = try await h.tap.listSessions() }
            let took = Date().timeIntervalSince(started)
            await h.store.releaseHeldRequests()
            #expect(error?.kind == "timeout")
            #expect(error?.message.contains("body stalled") == true)
            #expect(error?.message.contains("Tried 4 times.") == true)
            // Four attempts of 3 s and short backoffs; without the bound it would hang for the hold (900 s).
            #expect(took < 300)
        }
    }

    @Test func aStreamOfKeepalivesAloneDoesNotHideTheReply() async throws {
        var emulator = testEmulator()
        emulator.streamKeepaliveSeconds = 0.1
        try await withEmulator(emulator, tune: { $0.streamQuietCheck = 0.3 }) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .keepaliveOnly, method: "GET", path: "/events/stream", times: nil))
            let result = try await h.tap.sendAndWait(Seed.demo, message: "hello", timeout: 60)
            #expect(result.status == .complete)
            #expect(result.reply.contains("hello"))
            // The stream opened (and was given up for the list), it did not merely fail to open.
            #expect(await h.store.requests().contains { $0.contains("/events/stream") })
        }
    }
}
