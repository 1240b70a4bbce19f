import CCTapCore
import Foundation
import Testing

@testable import CCTapMCP

/// What a subscribed resource is told, decided update by update (`SessionResources.changes`).
@Suite struct SessionResourcesTests {
    let event: JSONValue = ["type": "assistant", "uuid": "u1"]

    @Test func newEventsChangeEitherURI() {
        var last: String?
        #expect(SessionResources.changes(.init(events: [event], cursor: "seq:2"), lastConnection: &last, connectionMatters: false))
        #expect(SessionResources.changes(.init(events: [event], cursor: "seq:3"), lastConnection: &last, connectionMatters: true))
    }

    /// The stream says the connection each time it opens: the first status is the baseline, the same
    /// status again (a reopen) is no change, a different one is.
    @Test func onlyAConnectionThatChangedChangesTheSessionURI() {
        var last: String?
        let steps: [(String, Bool)] = [("connected", false), ("connected", false), ("disconnected", true), ("disconnected", false), ("connected", true)]
        for (status, expected) in steps {
            #expect(
                SessionResources.changes(.init(cursor: "seq:1", connection: status), lastConnection: &last, connectionMatters: true)
                    == expected, "\(status)")
            #expect(last == status)
        }
        // The transcript does not show the connection.
        var transcript: String? = "connected"
        #expect(!SessionResources.changes(.init(cursor: "seq:1", connection: "disconnected"), lastConnection: &transcript, connectionMatters: false))
    }

    @Test func aFailedReadChangesNothing() {
        var last: String? = "connected"
        #expect(!SessionResources.changes(.init(cursor: "seq:1", failure: .network("reset")), lastConnection: &last, connectionMatters: true))
        #expect(last == "connected")
    }
}
