@testable import CCTapCore
import CCTapRendering
import Foundation
import Testing

/// Results as text (`Render`), pure: the watch screen fitted to a terminal, times told as time ago,
/// and a session's pending action in words.
@Suite struct RenderTests {
    static let now = Date(timeIntervalSince1970: 1_765_000_000)

    static func session(_ number: Int, needs: Bool = false, minutesAgo: Int = 1) -> SessionSummary {
        var fields: [String: JSONValue] = [
            "id": .string("cse_01HRENDER\(String(format: "%05d", number))"), "title": .string("Session \(number)"),
            "status": "active", "worker_status": needs ? "requires_action" : "idle", "connection_status": "connected",
            "last_event_at": .string(Date(timeInterval: -Double(minutesAgo * 60), since: now).formatted(.iso8601)),
        ]
        if needs { fields["external_metadata"] = ["pending_action": ["type": "permission", "request_id": .string("r\(number)")]] }
        return SessionSummary(.object(fields))
    }

    static func update(_ sessions: [SessionSummary]) -> SessionsUpdate {
        SessionsUpdate(sessions: sessions, source: .watch, appeared: [], changed: [], removed: [], failure: nil)
    }

    @Test func theWatchScreenPutsWhatNeedsYouFirstAndFitsTheTerminal() {
        // Newest first, as the board hands them out; sessions 7 and 9 need the person.
        let sessions = (1...12).map { Self.session($0, needs: $0 == 7 || $0 == 9, minutesAgo: $0) }
        let text = Render.watchTable(Self.update(sessions), lines: 10, now: Self.now)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count + 1 <= 10)  // and the caller's own last line
        #expect(lines[0].hasPrefix("TITLE") && lines[0].contains("NEEDS-YOU") && lines[0].contains("ACTIVITY"))
        #expect(lines[1].hasPrefix("-----"))
        #expect(lines[2].hasPrefix("Session 7 ") && lines[3].hasPrefix("Session 9 ") && lines[4].hasPrefix("Session 1 "))
        #expect(text.contains("… and 8 more: make the terminal taller to see them"))
        #expect(text.contains("12 live session(s), 2 need(s) you"))
        // Tall enough: every session, no count of the rest.
        let all = Render.watchTable(Self.update(sessions), lines: 40, now: Self.now)
        #expect(!all.contains("more:") && (1...12).allSatisfy { all.contains("Session \($0) ") })
        #expect(Render.watchTable(Self.update(sessions), now: Self.now) == Render.watchTable(Self.update(sessions), lines: nil, now: Self.now))
    }

    @Test(arguments: [(0, "just now"), (42, "42 s ago"), (180, "3 min ago"), (5 * 3_600 + 10, "5 h ago"), (2 * 86_400, "2 d ago")])
    func activityIsToldAsTimeAgo(_ seconds: Int, _ words: String) {
        let time = Date(timeInterval: -Double(seconds), since: Self.now).formatted(.iso8601)
        #expect(Render.ago(time, now: Self.now) == words)
    }

    @Test func timesThatAreNoTimeAreShownAsTheyAre() {
        #expect(Render.ago(nil, now: Self.now) == "-")
        #expect(Render.ago("yesterday-ish", now: Self.now) == "yesterday-ish")
    }

    @Test func aPendingActionIsToldInWords() {
        #expect(Render.actionWords(["type": "permission", "tool_name": "Bash", "request_id": "r1"]) == "permission to use Bash (request_id r1)")
        #expect(Render.actionWords("permission") == "permission")
        #expect(Render.actionWords(["type": "request_user_dialog", "request_id": "d1", "dialog_kind": "choice"])
            == "request_user_dialog (request_id d1); also dialog_kind \"choice\"")
        #expect(!Render.actionWords(["type": "permission", "tool_name": "Bash"]).contains("{"))
    }
}

extension RenderTests {
    @Test func aSteeringAnswerSaysWhatBecameOfItOnce() {
        let result = SteeringResult(
            sessionID: "cse_01HRENDER00001", action: .permissionMode, value: "plan", status: .acknowledged, detail: nil,
            requestID: "req_1", note: "The worker acknowledged it.")
        let text = Render.steering(result)
        #expect(text == "cse_01HRENDER00001: permission mode plan: The worker acknowledged it.")
        #expect(text.components(separatedBy: "acknowledged").count == 2)
        // A note that does not say it keeps the status word.
        let archived = SteeringResult(
            sessionID: "cse_01HRENDER00001", action: .archive, value: nil, status: .applied, detail: nil, requestID: nil,
            note: "Archived.")
        #expect(Render.steering(archived) == "cse_01HRENDER00001: archive: applied. Archived.")
    }
}
