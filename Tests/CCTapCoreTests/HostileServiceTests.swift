@testable import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// A service that answers, then misbehaves: a body that stalls after its headers, and an event stream
/// that keeps alive while it withholds the events. Each ends in bounded time with the truth.
@Suite struct HostileServiceTests {
    @Test func aBodyThatStallsAfterItsHeadersIsATimeoutAfterTheRetries() async throws {
        try await withEmulator(tune: { $0.requestTimeout = 0.5 }) { (h: Harness) async throws in
            await h.store.addFault(FaultRule(kind: .stallBody, method: "GET", route: "/v1/code/sessions", times: nil))
            let started = Date()
            let error = await tapError { _ = try await h.tap.listSessions() }
            let took = Date().timeIntervalSince(started)
            await h.store.releaseHeldRequests()
            #expect(error?.kind == "timeout")
            #expect(error?.message.contains("body stalled") == true)
            #expect(error?.message.contains("Tried 4 times.") == true)
            // Four attempts of 0.5 s and short backoffs; without the bound it would hang for the hold (60 s).
            #expect(took < 30)
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
