@testable import CCTapModel
import Testing

/// The wait's decision (`TurnTracker`), event by event: every way a turn ends, the prompts it opens
/// and closes, and events it does not know, on hand-made events in the worker's shapes. Which turn
/// takes up which message is `TurnLedgerTests`'.
@Suite struct TurnTrackerTests {
    typealias Event = JSONValue

    static func user(_ uuid: String, _ text: String = "hi") -> Event {
        ["type": "user", "uuid": .string(uuid), "message": ["role": "user", "content": .string(text)]]
    }
    static func assistant(_ id: String, _ text: String) -> Event {
        ["type": "assistant", "message": ["id": .string(id), "role": "assistant", "content": [["type": "text", "text": .string(text)]]]]
    }
    static func result(_ subtype: String = "success", isError: Bool? = nil) -> Event {
        var event: [String: JSONValue] = ["type": "result", "subtype": .string(subtype), "result": "done"]
        if let isError { event["is_error"] = .bool(isError) }
        return .object(event)
    }
    static func permission(_ id: String, tool: String = "Bash") -> Event {
        ["type": "control_request", "request_id": .string(id), "request": ["subtype": "can_use_tool", "tool_name": .string(tool), "input": ["command": "ls"]]]
    }
    static func dialog(_ id: String) -> Event {
        ["type": "control_request", "request_id": .string(id), "request": ["subtype": "request_user_dialog", "dialog_kind": "choice"]]
    }
    static func answered(_ id: String, subtype: String = "success") -> Event {
        ["type": "control_response", "response": ["subtype": .string(subtype), "request_id": .string(id)]]
    }
    static func cancelled(_ id: String) -> Event { ["type": "control_cancel_request", "request_id": .string(id)] }
    static let interruptRequest: Event = ["type": "control_request", "request_id": "i1", "request": ["subtype": "interrupt"]]
    static let interruptNotice: Event = [
        "type": "user", "uuid": "n1", "message": ["role": "user", "content": [["type": "text", "text": "[Request interrupted by user]"]]],
    ]
    static let interruptNoticeForTool: Event = [
        "type": "user", "uuid": "n2",
        "message": ["role": "user", "content": [["type": "tool_result", "tool_use_id": "t", "content": [["type": "text", "text": "[Request interrupted by user for tool use]"]]]]],
    ]

    /// A wait that follows no message (resumed from a cursor naming none): the first turn to end is its turn.
    static func follow(_ events: [Event]) -> TurnTracker {
        var tracker = TurnTracker(tie: nil)
        for event in events { tracker.consume(event) }
        return tracker
    }

    struct Ending: CustomTestStringConvertible, Sendable {
        let name: String
        let events: [Event]
        let status: WaitStatus?
        let reply: String
        var testDescription: String { name }
    }

    static let endings: [Ending] = [
        Ending(name: "a success result completes", events: [assistant("m1", "Done."), result()], status: .complete, reply: "Done."),
        Ending(name: "is_error ends in an error", events: [assistant("m1", "Oops"), result("success", isError: true)], status: .error, reply: "Oops"),
        Ending(name: "a subtype other than success without is_error is an error", events: [result("error_max_turns")], status: .error, reply: ""),
        Ending(name: "an interrupt request, then the result", events: [assistant("m1", "Working"), interruptRequest, result()], status: .interrupted, reply: "Working"),
        Ending(name: "the worker's interrupt notice, then the result", events: [interruptNotice, result("error_during_execution")], status: .interrupted, reply: ""),
        Ending(name: "the notice inside a tool result", events: [interruptNoticeForTool, result()], status: .interrupted, reply: ""),
        Ending(name: "no result yet: still running", events: [assistant("m1", "Partial")], status: nil, reply: "Partial"),
        Ending(name: "a permission prompt blocks the turn", events: [assistant("m1", "May I?"), permission("p1")], status: .waitingForPermission, reply: "May I?"),
        Ending(name: "a dialog blocks the turn", events: [dialog("d1")], status: .waitingForInput, reply: ""),
        Ending(name: "a prompt and a dialog: the permission is named", events: [dialog("d1"), permission("p1")], status: .waitingForPermission, reply: ""),
        Ending(name: "an answered prompt no longer blocks", events: [permission("p1"), answered("p1")], status: nil, reply: ""),
        Ending(name: "a withdrawn prompt no longer blocks", events: [permission("p1"), cancelled("p1")], status: nil, reply: ""),
        Ending(name: "an error answer leaves a dialog open", events: [dialog("d1"), answered("d1", subtype: "error")], status: .waitingForInput, reply: ""),
        Ending(name: "a result closes every prompt", events: [permission("p1"), dialog("d1"), result()], status: .complete, reply: ""),
    ]

    @Test(arguments: endings) func everyWayATurnEnds(_ ending: Ending) {
        let tracker = Self.follow(ending.events)
        #expect(tracker.status == ending.status)
        #expect(tracker.reply == ending.reply)
        #expect(tracker.eventsRead == ending.events.count)
    }

    @Test func theReplyJoinsAssistantMessagesInOrderAndTheLatestTextOfEachWins() {
        // A streamed message is written again under its id as it grows: its last text counts, in its first place.
        let tracker = Self.follow([
            Self.assistant("m1", "First"), Self.assistant("m2", "Second"), Self.assistant("m1", "First, longer"), Self.result(),
        ])
        #expect(tracker.reply == "First, longer\n\nSecond")
    }

    @Test func nothingAfterTheResultCounts() {
        var tracker = Self.follow([Self.assistant("m1", "Done."), Self.result()])
        tracker.consume(Self.assistant("m2", "a later turn"))
        tracker.consume(Self.permission("p9"))
        #expect(tracker.status == .complete && tracker.reply == "Done.")
        #expect(tracker.pendingPermissions.isEmpty)
        #expect(tracker.eventsRead == 4)  // read, and left as they were
    }

    @Test func unknownEventsFlowThroughWithoutChangingTheTurn() {
        let unknown: [Event] = [
            ["type": "stream_event", "event": ["type": "content_block_delta"]],
            ["type": "system", "subtype": "some_new_notice", "payload": [1, 2, 3]],
            ["type": "brand_new_type"],
            ["no_type_at_all": true],
            .string("not even an object"),
        ]
        var tracker = Self.follow([Self.assistant("m1", "Working")])
        for event in unknown { tracker.consume(event) }
        #expect(tracker.status == nil && tracker.reply == "Working" && tracker.eventsRead == 1 + unknown.count)
        tracker.consume(Self.result())
        #expect(tracker.status == .complete)
    }

    @Test func promptsAreReportedOnceWhateverTimesTheyAreSeen() {
        // A look at the session, then the events after it: the same prompt twice is one prompt.
        let tracker = Self.follow([Self.permission("p1"), Self.permission("p1"), Self.dialog("d1"), Self.dialog("d1")])
        #expect(tracker.pendingPermissions.map(\.requestID) == ["p1"])
        #expect(tracker.pendingInputs.map(\.requestID) == ["d1"])
        #expect(tracker.pendingPermissions.first?.toolName == "Bash")
    }

    @Test func promptsOpenBeforeTheCursorAreCarriedIn() {
        var tracker = TurnTracker(tie: nil, openPrompts: openPrompts(in: [Self.permission("p0")]))
        #expect(tracker.status == .waitingForPermission)
        tracker.consume(Self.answered("p0"))
        #expect(tracker.status == nil)
    }

    @Test func controllerRequestsAreNotPromptsForThePerson() {
        let tracker = Self.follow([
            ["type": "control_request", "request_id": "c1", "request": ["subtype": "set_model", "model": "m"]],
            ["type": "control_request", "request_id": "c2", "request": ["subtype": "get_context_usage"]],
        ])
        #expect(tracker.status == nil && tracker.pendingInputs.isEmpty && tracker.pendingPermissions.isEmpty)
    }

    @Test func aWaitForAMessageAnswersOnlyForItsOwnTurn() {
        // The message m was stored while another turn ran: that turn's words and end are not its answer.
        var tracker = TurnTracker(tie: .init(uuid: "m", ahead: 0, running: true))
        #expect(tracker.isQueued && !tracker.sawOwnMessage)
        for event in [Self.assistant("a1", "for the turn ahead"), Self.user("m", "my question")] { tracker.consume(event) }
        #expect(tracker.sawOwnMessage && tracker.isQueued && tracker.answer == "")
        tracker.consume(Self.result())
        #expect(tracker.status == nil && tracker.turnsEndedWhileQueued == 1)
        for event in [["type": "system", "subtype": "init"] as Event, Self.assistant("a2", "my answer"), Self.result()] { tracker.consume(event) }
        #expect(tracker.match == .own && tracker.status == .complete && tracker.answer == "my answer")
    }
}
