@testable import CCTapModel
import Testing

/// Which turn takes up which message (`TurnLedger`), and the wait that follows one (`TurnTracker`),
/// event by event, on hand-made events in the shapes the worker writes.
@Suite struct TurnLedgerTests {
    static func prompt(_ uuid: String, _ text: String = "hi") -> JSONValue {
        ["type": "user", "uuid": .string(uuid), "parent_tool_use_id": nil, "message": ["role": "user", "content": .string(text)]]
    }
    static let initEvent: JSONValue = ["type": "system", "subtype": "init", "model": "m"]
    static func assistant(_ id: String, _ text: String) -> JSONValue {
        ["type": "assistant", "message": ["id": .string(id), "role": "assistant", "content": [["type": "text", "text": .string(text)]]]]
    }
    static let result: JSONValue = ["type": "result", "subtype": "success", "is_error": false, "result": "done"]
    static let toolResult: JSONValue = [
        "type": "user", "uuid": "t1", "message": ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"]]],
    ]
    static func permission(_ id: String) -> JSONValue {
        ["type": "control_request", "request_id": .string(id), "request": ["subtype": "can_use_tool", "tool_name": "Bash", "input": [:]]]
    }

    @Test func aPromptJoinsTheQueueAndTheNextTurnTakesItUp() {
        var ledger = TurnLedger()
        #expect(ledger.consume(Self.prompt("a")) == .queued("a"))
        #expect(ledger.queued == ["a"])
        #expect(ledger.consume(Self.initEvent) == .turnStarted(prompt: "a"))
        #expect(ledger.turnRunning && ledger.queued.isEmpty)
        #expect(ledger.consume(Self.assistant("m1", "x")) == nil)
        #expect(ledger.consume(Self.result) == .turnEnded)
        #expect(!ledger.turnRunning)
    }

    @Test func aPromptStoredDuringATurnWaitsForTheNextTurn() {
        var ledger = TurnLedger()
        ledger.consume(Self.prompt("a"))
        ledger.consume(Self.initEvent)
        #expect(ledger.consume(Self.prompt("b")) == .queued("b"))
        // The running turn's output and end are not b's.
        #expect(ledger.consume(Self.assistant("m1", "for a")) == nil)
        #expect(ledger.consume(Self.result) == .turnEnded)
        #expect(ledger.queued == ["b"])
        #expect(ledger.consume(Self.initEvent) == .turnStarted(prompt: "b"))
    }

    @Test func withoutInitTheFirstAssistantOutputStartsTheTurnAndALaterInitIsTheSameTurn() {
        // A Remote Control bridge forwards user and assistant messages and its own result, not `init`.
        var ledger = TurnLedger()
        ledger.consume(Self.prompt("a"))
        #expect(ledger.consume(Self.assistant("m1", "x")) == .turnStarted(prompt: "a"))
        #expect(ledger.consume(Self.initEvent) == nil)
        #expect(ledger.consume(Self.assistant("m2", "y")) == nil)
        #expect(ledger.consume(Self.result) == .turnEnded)
    }

    @Test func toolResultsSyntheticAndSubagentMessagesAreNotPrompts() {
        var ledger = TurnLedger()
        #expect(ledger.consume(Self.toolResult) == nil)
        #expect(ledger.consume(["type": "user", "uuid": "s", "isSynthetic": true, "message": ["content": "go on"]]) == nil)
        #expect(ledger.consume(["type": "user", "uuid": "m", "isMeta": true, "message": ["content": "meta"]]) == nil)
        #expect(ledger.consume(["type": "user", "uuid": "p", "parent_tool_use_id": "toolu_1", "message": ["content": "sub"]]) == nil)
        #expect(ledger.consume(["type": "user", "uuid": "i", "message": ["content": "[Request interrupted by user]"]]) == nil)
        #expect(ledger.queued.isEmpty)
    }

    @Test func theWorkerWritingAQueuedPromptAgainTakesItUp() {
        var ledger = TurnLedger()
        ledger.consume(Self.prompt("a"))
        ledger.consume(Self.initEvent)
        ledger.consume(Self.prompt("b"))
        // Mid-turn: the running turn reads b (its replay names b's uuid).
        #expect(ledger.consume(["type": "user", "uuid": "b", "isReplay": true, "message": ["content": "hi"]]) == .joined("b"))
        #expect(ledger.queued.isEmpty)
        // Between turns: a replay starts b's own turn.
        var idle = TurnLedger()
        idle.consume(Self.prompt("c"))
        #expect(idle.consume(["type": "user", "uuid": "c", "isReplay": true, "message": ["content": "hi"]]) == .turnStarted(prompt: "c"))
        #expect(idle.consume(Self.initEvent) == nil)
    }

    @Test func aLedgerSeededFromACursorCountsWhatWasQueuedBeforeIt() {
        var ledger = TurnLedger(turnRunning: true, queuedAhead: 1)
        ledger.consume(Self.prompt("ours"))
        #expect(ledger.consume(Self.result) == .turnEnded)
        #expect(ledger.consume(Self.initEvent) == .turnStarted(prompt: nil))  // the one queued before the cursor
        ledger.consume(Self.result)
        #expect(ledger.consume(Self.initEvent) == .turnStarted(prompt: "ours"))
    }

    @Test func aResultWithNoTurnRunningEndsTheOldestQueuedPromptsTurn() {
        // The emulator (and, by the reference, the worker) stops a queued prompt's turn before it
        // begins with the interrupt notice and a result, and nothing else.
        var ledger = TurnLedger()
        ledger.consume(Self.prompt("a"))
        ledger.consume(Self.initEvent)
        ledger.consume(Self.prompt("b"))
        ledger.consume(Self.prompt("c"))
        #expect(ledger.consume(Self.result) == .turnEnded)  // a's
        #expect(ledger.consume(["type": "user", "uuid": "n", "message": ["content": "[Request interrupted by user]"]]) == nil)
        #expect(ledger.consume(Self.result) == .endedWithoutStart(prompt: "b"))
        #expect(ledger.queued == ["c"])
        #expect(ledger.consume(Self.initEvent) == .turnStarted(prompt: "c"))

        var tracker = TurnTracker(tie: Self.tie("b", running: true))
        let notice: JSONValue = ["type": "user", "uuid": "n", "message": ["content": "[Request interrupted by user]"]]
        for event in [Self.prompt("b"), Self.result, notice, Self.result] { tracker.consume(event) }
        #expect(tracker.match == .own)
        #expect(tracker.status == .interrupted)
    }

    @Test func replayingATailTellsTheRunningTurnAndTheQueue() {
        let ledger = TurnLedger.replaying([Self.prompt("a"), Self.initEvent, Self.prompt("b"), Self.assistant("m", "x")])
        #expect(ledger.turnRunning)
        #expect(ledger.queued == ["b"])
        #expect(TurnLedger.replaying([Self.prompt("a"), Self.initEvent, Self.result]) == TurnLedger())
    }

    // MARK: The wait

    static func tie(_ uuid: String, ahead: Int = 0, running: Bool = false) -> EventCursor.MessageTie {
        .init(uuid: uuid, ahead: ahead, running: running)
    }

    @Test func theRunningTurnsResultIsNotTheAnswerToAMessageQueuedBehindIt() {
        var tracker = TurnTracker(tie: Self.tie("b", running: true))
        tracker.consume(Self.prompt("b", "second"))
        #expect(tracker.isQueued && tracker.sawOwnMessage)
        tracker.consume(Self.assistant("m1", "ECHO: first"))
        tracker.consume(Self.result)
        #expect(tracker.status == nil)
        #expect(tracker.reply.isEmpty)
        tracker.consume(Self.initEvent)
        #expect(tracker.match == .own)
        tracker.consume(Self.assistant("m2", "ECHO: second"))
        tracker.consume(Self.result)
        #expect(tracker.status == .complete)
        #expect(tracker.reply == "ECHO: second")
    }

    @Test func twoQuickSendsEachGetTheirOwnTurn() {
        // "first" was sent just before "second" and is still queued when "second" is stored.
        var tracker = TurnTracker(tie: Self.tie("second", ahead: 1, running: false))
        for event in [
            Self.prompt("second"), Self.initEvent, Self.assistant("m1", "ECHO: first"), Self.result, Self.initEvent,
            Self.assistant("m2", "ECHO: second"), Self.result,
        ] { tracker.consume(event) }
        #expect(tracker.status == .complete)
        #expect(tracker.reply == "ECHO: second")
        #expect(tracker.match == .own)
    }

    @Test func aPromptOfTheTurnAheadIsReportedWhileTheMessageIsQueued() {
        var tracker = TurnTracker(tie: Self.tie("b", running: true), openPrompts: openPrompts(in: [Self.permission("req-1")]))
        #expect(tracker.status == .waitingForPermission)
        #expect(tracker.isQueued)
        // The same prompt seen again after the cursor is one prompt.
        tracker.consume(Self.permission("req-1"))
        #expect(tracker.pendingPermissions.count == 1)
        tracker.consume(["type": "control_response", "response": ["subtype": "success", "request_id": "req-1"]])
        #expect(tracker.status == nil)
    }

    @Test func aMessageReadMidTurnWithoutAMarkIsTakenWhenTheSessionGoesIdle() {
        var tracker = TurnTracker(tie: Self.tie("b", running: true))
        tracker.consume(Self.prompt("b"))
        let tooSoon = tracker.takeRunningTurn()
        #expect(!tooSoon)  // nothing ended yet
        tracker.consume(Self.assistant("m1", "answered both"))
        tracker.consume(Self.result)
        #expect(tracker.status == nil)
        let taken = tracker.takeRunningTurn()
        #expect(taken)
        #expect(tracker.match == .joined)
        #expect(tracker.status == .complete)
        #expect(tracker.reply == "answered both")
    }

    @Test func aWaitWithoutAMessageEndsOnTheFirstResult() {
        var tracker = TurnTracker(tie: nil)
        tracker.consume(Self.assistant("m1", "x"))
        tracker.consume(Self.result)
        #expect(tracker.status == .complete)
        #expect(tracker.match == nil)
    }

    // MARK: Cursors

    @Test func aSendsCursorNamesItsMessageAndReadsBack() throws {
        let cursor = EventCursor(.sequence(12), tie: Self.tie("0f1e2d3c-aaaa-bbbb-cccc-0123456789ab", ahead: 2, running: true))
        #expect(cursor.description == "seq:12,msg=0f1e2d3c-aaaa-bbbb-cccc-0123456789ab,ahead=2,running=1")
        #expect(try EventCursor(cursor.description) == cursor)
        #expect(try EventCursor("sevt_000000000012,msg=abcdef01,ahead=0,running=0").tie == Self.tie("abcdef01"))
        #expect(try EventCursor("id:evt-9").position == .eventID("evt-9"))
        // An id that reads as another cursor keeps its `id:` when written back (found by the fuzzer).
        for text in ["id:seq:", "id:seq:12", "id:id:ab_1"] {
            let cursor = try EventCursor(text)
            #expect(try EventCursor(cursor.description) == cursor, "\(text) -> \(cursor.description)")
        }
    }

    @Test(arguments: [
        "bogus", "", "seq:", "seq:+1", "seq:12,msg=x", "seq:12,msg=abcdef01,ahead=-1,running=0",
        "seq:12,msg=abcdef01,ahead=0,running=2", "seq:12,msg=abcdef01,ahead=0", "seq:1,msg=zz zz,ahead=0,running=0",
        "seq:1\nseq:2", "a b_1",
    ])
    func malformedCursorsAreRefusedWithWhatACursorLooksLike(_ text: String) {
        #expect {
            try EventCursor(text)
        } throws: { error in
            (error as? TapError)?.message.contains("is not a cursor") == true
                && (error as? TapError)?.message.contains("seq:<n>") == true
        }
    }
}

@Suite struct HeldPeerMessageLedgerTests {
    static func user(_ uuid: String, platform: String?) -> JSONValue {
        var event: JSONValue = ["type": "user", "uuid": .string(uuid), "message": ["role": "user", "content": "hi"]]
        event["client_platform"] = platform.map(JSONValue.string)
        return event
    }

    @Test func aHeldPeersMessageDoesNotJoinTheQueueWhereTheSessionHoldsThem() {
        let events = [Self.user("peer", platform: "claude_code_remote"), Self.user("person", platform: "ios")]
        let holding = TurnLedger.replaying(events, holdsPeers: true)
        #expect(holding.queued == ["person"])
        // A session that takes peers' messages queues both, in stored order.
        #expect(TurnLedger.replaying(events).queued == ["peer", "person"])
        // Unstamped messages (an older service) always queue.
        #expect(TurnLedger.replaying([Self.user("old", platform: nil)], holdsPeers: true).queued == ["old"])
    }
}
