/// Follows the events of one turn as they arrive and says when it has ended.
///
/// Only a `result` ends a turn (as in the official viewer). When the wait follows a message we
/// sent, the turn is the one that takes that message up (`TurnLedger`): events of the turn that
/// was running when it was stored, and of turns for prompts queued ahead of it, are not its
/// answer. Prompts opened meanwhile are reported all the same: a prompt of the turn ahead blocks
/// our message too.
package struct TurnTracker {
    private let ownUUID: String?
    private var ledger: TurnLedger
    /// Where the message stands: `.queued` until a turn takes it up.
    package private(set) var match: TurnMatch?
    private var assistantOrder: [String] = []
    private var assistantText: [String: String] = [:]
    private var pending = OpenPrompts()
    package private(set) var result: TurnResult?
    private var interruptSeen = false
    package private(set) var eventsRead = 0
    /// Turns that ended after the message was stored while it stayed queued.
    package private(set) var turnsEndedWhileQueued = 0
    /// Whether the wait saw the message stored.
    package private(set) var sawOwnMessage: Bool

    /// `tie`: the message this wait follows, with the worker's queue at the cursor; nil when
    /// resuming from a cursor that names none (then the first turn to end is the one).
    package init(tie: EventCursor.MessageTie?, openPrompts: OpenPrompts = OpenPrompts()) {
        self.ownUUID = tie?.uuid
        self.ledger = TurnLedger(turnRunning: tie?.running ?? false, queuedAhead: tie?.ahead ?? 0)
        self.match = tie == nil ? nil : .queued
        self.sawOwnMessage = tie == nil
        self.pending = openPrompts
    }

    /// The message this wait follows.
    package var messageUUID: String? { ownUUID }
    package var pendingPermissions: [PermissionRequest] { pending.permissions }
    package var pendingInputs: [WorkerRequest] { pending.inputs }
    /// True while the message waits behind another turn (or for a worker to take it up).
    package var isQueued: Bool { match == .queued }
    /// Whether the events show a turn running.
    package var turnRunning: Bool { ledger.turnRunning }

    package var reply: String {
        assistantOrder.compactMap { assistantText[$0] }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// The reply to hand out: nothing while the message is queued (what runs then is another turn's).
    package var answer: String { isQueued ? "" : reply }

    package var status: WaitStatus? {
        if let result {
            if interruptSeen { return .interrupted }
            return result.isError ? .error : .complete
        }
        if !pending.permissions.isEmpty { return .waitingForPermission }
        return pending.inputs.isEmpty ? nil : .waitingForInput
    }

    package mutating func consume(_ event: JSONValue) {
        eventsRead += 1
        guard result == nil else { return }
        let type = event["type"]?.stringValue
        let mark = ledger.consume(event)
        if let ownUUID, !sawOwnMessage, type == "user", event["uuid"]?.stringValue == ownUUID { sawOwnMessage = true }
        pending.consume(event)
        if match == .queued {
            switch mark {
            case .turnStarted(let prompt?) where prompt == ownUUID:
                match = .own
            case .joined(let prompt) where prompt == ownUUID:
                match = .joined
                forgetOutput()  // what the turn said before it read the message is not the answer
            case .endedWithoutStart(let prompt?) where prompt == ownUUID:
                // Our turn ended before it showed a start (stopped before it began): what came since
                // the last turn's end (the interrupt notice) is its own.
                match = .own
            case .turnEnded, .endedWithoutStart:
                if sawOwnMessage { turnsEndedWhileQueued += 1 }
                recordOutput(event, type: type)
                forgetOutput()
                return
            default:
                // Another turn's output: kept only to answer for a message it may have read
                // mid-turn without a mark (`takeRunningTurn`).
                recordOutput(event, type: type)
                return
            }
        }
        recordOutput(event, type: type)
        if type == "result" { result = TurnResult(event: event) }
    }

    /// The session went idle with the message still queued after a turn ended: no turn of its own
    /// will come, so the turn that was running read it mid-turn without a mark we know. The
    /// reply is the text of that turn's end (`lastEndedReply`).
    package mutating func takeRunningTurn() -> Bool {
        guard match == .queued, sawOwnMessage, turnsEndedWhileQueued > 0, let ended = lastEnded else { return false }
        match = .joined
        assistantOrder = ended.order
        assistantText = ended.text
        result = ended.result
        interruptSeen = ended.interrupted
        return true
    }

    private var lastEnded: (order: [String], text: [String: String], result: TurnResult, interrupted: Bool)?

    private mutating func recordOutput(_ event: JSONValue, type: String?) {
        switch type {
        case "assistant":
            let key = event["message"]?["id"]?.stringValue ?? "event-\(eventsRead)"
            if assistantText[key] == nil { assistantOrder.append(key) }
            assistantText[key] = TranscriptBuilder.assistantText(event)
        case "control_request":
            if event["request"]?["subtype"]?.stringValue == "interrupt" { interruptSeen = true }
        case "user":
            if Self.isInterruptNotice(event) { interruptSeen = true }
        case "result" where match == .queued:
            lastEnded = (assistantOrder, assistantText, TurnResult(event: event), interruptSeen)
        default:
            break
        }
    }

    private mutating func forgetOutput() {
        assistantOrder = []
        assistantText = [:]
        interruptSeen = false
    }

    package static let interruptMarker = "[Request interrupted by user"

    /// The synthetic "[Request interrupted by user…]" message a worker writes when a turn is stopped.
    private static func isInterruptNotice(_ event: JSONValue) -> Bool {
        let marker = interruptMarker
        switch event["message"]?["content"] {
        case .string(let text)?:
            return text.hasPrefix(marker)
        case .array(let blocks)?:
            return blocks.contains { block in
                block["text"]?.stringValue?.hasPrefix(marker) == true
                    || (block["content"]?.arrayValue ?? []).contains { $0["text"]?.stringValue?.hasPrefix(marker) == true }
            }
        default:
            return false
        }
    }
}
