@testable import CCTapModel
import Foundation
import Testing

/// Knowing which session needs its user, without a network: the reasons a summary gives
/// (`AttentionReason`), the shared board (`SessionBoard`) following lists and watch frames, the
/// resume tokens (`AttentionResumeToken`), and whether a blocked turn's prompt was answered.
@Suite struct SessionBoardTests {
    static func object(_ id: String, worker: String = "idle", unread: Bool = false, connection: String = "connected",
                       pending: JSONValue? = nil, at: String = "2026-11-29T10:00:00Z", status: String = "active") -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id), "status": .string(status), "worker_status": .string(worker),
            "connection_status": .string(connection), "unread": .bool(unread), "last_event_at": .string(at),
        ]
        if let pending { fields["external_metadata"] = ["pending_action": pending] }
        return .object(fields)
    }

    @Test func summariesSayWhyASessionNeedsItsUser() {
        let cases: [(JSONValue, AttentionReason?)] = [
            (Self.object("cse_01HAAAAAAAAAA1", worker: "requires_action", pending: ["type": "permission", "request_id": "r1"]), .permission),
            (Self.object("cse_01HAAAAAAAAAA2", worker: "requires_action", pending: ["type": "request_user_dialog"]), .input),
            (Self.object("cse_01HAAAAAAAAAA3", worker: "requires_action"), .permission),
            (Self.object("cse_01HAAAAAAAAAA4", unread: true), .unreadResult),
            (Self.object("cse_01HAAAAAAAAAA5", worker: "running", unread: true), nil),
            (Self.object("cse_01HAAAAAAAAAA6", worker: "running", connection: "disconnected"), .disconnected),
            (Self.object("cse_01HAAAAAAAAAA7", connection: "disconnected"), nil),
            (Self.object("cse_01HAAAAAAAAAA8", unread: true, status: "archived"), nil),
            (Self.object("cse_01HAAAAAAAAAA9"), nil),
        ]
        for (json, reason) in cases {
            let summary = SessionSummary(json)
            #expect(summary.attentionReason == reason, "\(summary.id)")
            #expect(summary.needsAttention == (reason != nil))
        }
    }

    @Test func theBoardFollowsWatchFramesAndReportsEachOccasionOnce() throws {
        var board = SessionBoard()
        let first = board.replace(with: [SessionSummary(Self.object("cse_01HAAAAAAAAAA1")), SessionSummary(Self.object("cse_01HAAAAAAAAAA2", status: "archived"))])
        #expect(first.changed && first.membership)
        #expect(board.sessions.keys.sorted() == ["cse_01HAAAAAAAAAA1"])
        #expect(board.freshAttention(scope: nil, seen: []).isEmpty)

        // A prompt appears: one fresh occasion; told once, it is not fresh again.
        let blocked = Self.object("session_01HAAAAAAAAAA1", worker: "requires_action", pending: ["type": "permission", "request_id": "r1"])
        #expect(board.apply(frame: "changed", data: blocked) == .init(changed: true, membership: false))
        let fresh = board.freshAttention(scope: nil, seen: [])
        #expect(fresh.map(\.session.attentionReason) == [.permission])
        let seen = Set(fresh.map(\.occasion))
        #expect(board.freshAttention(scope: nil, seen: seen).isEmpty)
        // The same frame again changes nothing; a second prompt is a new occasion.
        #expect(board.apply(frame: "changed", data: blocked) == .init())
        board.apply(frame: "changed", data: Self.object("cse_01HAAAAAAAAAA1", worker: "requires_action", pending: ["type": "permission", "request_id": "r2"]))
        #expect(board.freshAttention(scope: nil, seen: seen).count == 1)
        // Scope keeps other sessions out; added/removed change membership; unknown frames change nothing.
        #expect(board.apply(frame: "added", data: Self.object("cse_01HAAAAAAAAAB1", unread: true)).membership)
        #expect(board.freshAttention(scope: ["cse_01HAAAAAAAAAB1"], seen: []).map(\.session.id) == ["cse_01HAAAAAAAAAB1"])
        #expect(board.apply(frame: "removed", data: ["id": "cse_01HAAAAAAAAAB1"]) == .init(changed: true, membership: true))
        #expect(board.apply(frame: "some_future_frame", data: ["id": "cse_01HAAAAAAAAAA1"]) == .init())
        #expect(board.apply(frame: "changed", data: ["no_id": true]) == .init())
        #expect(board.apply(frame: "changed", data: Self.object("cse_01HAAAAAAAAAA1", status: "archived")).membership)
        #expect(board.sessions.isEmpty)
    }

    @Test func resumeTokensRoundTripAndRefuseForgeries() throws {
        let occasions: Set<String> = ["cse_01HAAAAAAAAAA1|permission|r1", "cse_01HB|unread_result|2026-11-29T10:00:00Z ✨"]
        let token = AttentionResumeToken.encode(occasions)
        #expect(token.hasPrefix("att2."))
        let read = try AttentionResumeToken.decode(token)
        #expect(read == AttentionResumeToken(occasions))
        #expect(occasions.allSatisfy(read.contains))
        #expect(!read.contains("cse_01HAAAAAAAAAA1|permission|r2"))
        #expect(try AttentionResumeToken.decode(AttentionResumeToken.encode([])).count == 0)
        // The first format is still read.
        let first = "att1." + "cse_01HAAAAAAAAAA1|permission|r1".utf8.map { String(format: "%02x", $0) }.joined()
        #expect(try AttentionResumeToken.decode(first).contains("cse_01HAAAAAAAAAA1|permission|r1"))
        for bad in ["", "seq:4", "att1.zz", "att1.abc", "att2.abc", "att2.zzzzzzzzzzzzzzzz", String(repeating: "a", count: 300_000)] {
            #expect(throws: TapError.self) { try AttentionResumeToken.decode(bad) }
        }
    }

    @Test func aBlockedSessionsAnsweredPromptIsToldApartFromOneNotShown() {
        let request: JSONValue = [
            "type": "control_request", "request_id": "r1", "request": ["subtype": "can_use_tool", "tool_name": "Bash", "input": [:]],
        ]
        let answer: JSONValue = ["type": "control_response", "response": ["subtype": "success", "request_id": "r1"]]
        let result: JSONValue = ["type": "result", "subtype": "success"]
        #expect(TurnReading.promptAnswered([request, answer]))  // dropped: nothing to do
        #expect(!TurnReading.promptAnswered([request]))  // still open: reported with its prompt
        // No prompt in this turn's events: reported as blocked with the prompt not visible here.
        #expect(!TurnReading.promptAnswered([request, answer, result]))
        #expect(!TurnReading.promptAnswered([]))
    }

    @Test func resumeTokensStayShortWhateverTheNumberOfSessions() throws {
        // Issue 22: 11 blocked sessions made a token of 2,700 characters; now 16 a session, capped.
        let eleven = (1...11).map { "cse_01HAAAAAAAAAA\($0)|permission|2026-12-02T10:00:00.123456Z" }
        #expect(AttentionResumeToken.encode(eleven).count == 5 + 11 * 16)
        let many = (1...5_000).map { "cse_\($0)|unread_result|2026-12-02T10:00:00Z" }
        let token = AttentionResumeToken.encode(many)
        #expect(token.count == 5 + AttentionResumeToken.maxOccasions * 16)
        #expect(try AttentionResumeToken.decode(token).count == AttentionResumeToken.maxOccasions)
    }
}
