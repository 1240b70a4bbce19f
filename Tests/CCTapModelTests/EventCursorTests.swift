@testable import CCTapModel
import Testing

/// Where a wait resumes (`EventCursor`) and what a session is called (`SessionID`): every shape read
/// back as written, and everything else refused before a request could carry it.
@Suite struct EventCursorTests {
    @Test(arguments: [
        ("start", EventCursor.Position.start),
        ("seq:0", .sequence(0)),
        ("seq:42", .sequence(42)),
        ("sevt_000012", .eventID("sevt_000012")),
        ("id:evt-9", .eventID("evt-9")),
        ("  seq:7 ", .sequence(7)),
    ])
    func positionsAreRead(_ text: String, _ position: EventCursor.Position) throws {
        let cursor = try EventCursor(text)
        #expect(cursor.position == position && cursor.tie == nil)
        // Written back, it reads the same again.
        #expect(try EventCursor(cursor.description) == cursor)
    }

    @Test func aSendsCursorCarriesItsMessageAndTheQueue() throws {
        let text = "seq:42,msg=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0,ahead=2,running=1"
        let cursor = try EventCursor(text)
        #expect(cursor.position == .sequence(42))
        #expect(cursor.tie == .init(uuid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", ahead: 2, running: true))
        #expect(cursor.description == text && cursor.positionText == "seq:42")
    }

    @Test func anIdThatWouldReadAsSomethingElseKeepsItsPrefix() throws {
        let cursor = EventCursor(.eventID("seq:4"))
        #expect(cursor.description == "id:seq:4")
        #expect(try EventCursor(cursor.description).position == .eventID("seq:4"))
    }

    @Test(arguments: [
        "", "   ", "bogus", "seq:", "seq:-1", "seq:+3", "seq:1e3", "abc", "id:a b",
        "seq:1,msg=xyz,ahead=0,running=0",  // not a uuid
        "seq:1,msg=0f1e2d3c,ahead=-1,running=0",
        "seq:1,msg=0f1e2d3c,ahead=0,running=2",
        "seq:1,msg=0f1e2d3c,ahead=0",  // a field missing
        "seq:1,msg=0f1e2d3c,msg=0f1e2d3c,ahead=0,running=0",  // a field twice
        "seq:1;msg=0f1e2d3c;ahead=0;running=0",
        "start\u{1B}[31m",
        String(repeating: "9", count: 5_000),
    ])
    func anythingElseIsRefusedWithTheShapes(_ text: String) {
        let error = #expect(throws: TapError.self) { try EventCursor(text) }
        guard case .invalidArgument(let message)? = error else {
            Issue.record("not an invalid argument: \(String(describing: error))")
            return
        }
        // Says what a cursor looks like, and shows nothing that could drive a terminal.
        #expect(message.contains("is not a cursor") && !message.contains("\u{1B}"))
    }

    @Test func sessionIdsAreOneSessionInEverySpelling() throws {
        let spellings = ["session_01HAAAAAAAAAA1", "cse_01HAAAAAAAAAA1", "01HAAAAAAAAAA1", " cse_01HAAAAAAAAAA1\n"]
        let ids = try spellings.map { try SessionID($0) }
        #expect(Set(ids).count == 1)
        #expect(ids[0].spelled(.v2) == "cse_01HAAAAAAAAAA1" && ids[0].spelled(.v1) == "session_01HAAAAAAAAAA1")
        #expect(ids[0].description == "session_01HAAAAAAAAAA1")
    }

    @Test(arguments: ["", "cse_", "short", "../etc/passwd", "cse_01HA/AAAAA", "cse_01HAAAAA?x=1", "a b c d e f", "session_é1234567", String(repeating: "a", count: 129)])
    func oddSessionIdsNeverReachAPath(_ text: String) {
        let error = #expect(throws: TapError.self) { try SessionID(text) }
        guard case .invalidSessionID(let message)? = error else {
            Issue.record("not an invalid session id: \(String(describing: error))")
            return
        }
        #expect(message.contains("is not a session id"))
    }
}
