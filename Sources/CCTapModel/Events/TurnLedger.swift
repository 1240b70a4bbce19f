/// Which turn takes up which message.
///
/// The service stores a user message as soon as it is posted, but the worker runs one turn at a
/// time and queues what arrives meanwhile (Claude Code's prompt queue), so the stored order of
/// messages is not the order of turns: a `result` after our message may end the turn that was
/// already running. The ledger replays the worker's own marks in stored order:
/// - a person's or peer's `user` prompt joins the queue;
/// - a turn starts at `system`/`init` (re-sent every turn), or at the first assistant output when
///   no turn runs, and takes up the oldest queued prompt;
/// - the worker writing a queued prompt's `uuid` again (an `isReplay` echo, or its own copy) says that
///   prompt was taken up now: by a new turn when none runs, or into the running turn (Claude Code
///   reads queued prompts between tool calls);
/// - a `result` ends the running turn; one that comes when no turn runs while prompts wait ends the
///   oldest one's turn, which left no other mark (stopped before it began, or a slash command the
///   worker answered itself).
/// - in a session that holds messages from other sessions, a prompt stamped as a peer's waits for the
///   session's person, not in the worker's queue (late-2026 §1), so it does not join the queue.
/// PROTOCOL.md §8 gives the evidence for each mark.
package struct TurnLedger: Sendable, Equatable {
    /// Whether a turn is running.
    package private(set) var turnRunning: Bool
    /// Prompts stored and not yet taken up, oldest first; nil for one counted before the events
    /// this ledger saw (its uuid is not known).
    package private(set) var queued: [String?]
    /// The session holds peers' messages for its person (PROTOCOL.md §16).
    package var holdsPeers = false

    package init(turnRunning: Bool = false, queuedAhead: Int = 0) {
        self.turnRunning = turnRunning
        self.queued = Array(repeating: nil, count: max(0, queuedAhead))
    }

    /// What an event did to the turns.
    package enum Mark: Sendable, Equatable {
        /// A prompt joined the queue.
        case queued(String?)
        /// A turn started; it takes up `prompt` (nil: a turn no queued prompt explains, such as one
        /// started in the terminal).
        case turnStarted(prompt: String?)
        /// The running turn took up a queued prompt.
        case joined(String)
        case turnEnded
        /// A turn ended that showed no start: the oldest queued prompt's (nil: none was queued).
        case endedWithoutStart(prompt: String?)
    }

    /// Replays one event; nil when it marks nothing.
    @discardableResult
    package mutating func consume(_ event: JSONValue) -> Mark? {
        switch event["type"]?.stringValue {
        case "user":
            // The worker writing a queued prompt again (a replay, or its own copy with the same
            // uuid) is taking it up now.
            if let uuid = event["uuid"]?.stringValue, let index = queued.firstIndex(of: uuid) {
                queued.remove(at: index)
                if turnRunning { return .joined(uuid) }
                turnRunning = true
                startedImplicitly = true
                return .turnStarted(prompt: uuid)
            }
            guard Self.isPrompt(event) else { return nil }
            if holdsPeers && MessageOrigin(clientPlatform: event["client_platform"]?.stringValue) == .peer { return nil }
            let uuid = event["uuid"]?.stringValue
            queued.append(uuid)
            return .queued(uuid)
        case "system":
            guard event["subtype"]?.stringValue == "init" else { return nil }
            // `init` opens a turn. One that follows an implicit start (assistant output first) is
            // the same turn.
            if turnRunning && startedImplicitly {
                startedImplicitly = false
                return nil
            }
            return startTurn(implicit: false)
        case "assistant":
            return turnRunning ? nil : startTurn(implicit: true)
        case "result":
            defer {
                turnRunning = false
                startedImplicitly = false
            }
            if turnRunning || queued.isEmpty { return .turnEnded }
            return .endedWithoutStart(prompt: queued.removeFirst())
        default:
            return nil
        }
    }

    private var startedImplicitly = false

    private mutating func startTurn(implicit: Bool) -> Mark {
        turnRunning = true
        startedImplicitly = implicit
        let prompt = queued.isEmpty ? nil : queued.removeFirst()
        return .turnStarted(prompt: prompt)
    }

    /// The ledger after `events` (oldest first), from an idle worker with nothing queued: what a
    /// look at a session's newest events tells about the turn running now.
    package static func replaying(_ events: [JSONValue], holdsPeers: Bool = false) -> TurnLedger {
        var ledger = TurnLedger()
        ledger.holdsPeers = holdsPeers
        for event in events { ledger.consume(event) }
        return ledger
    }

    /// A message someone wrote for the model: not a tool result, not a worker's synthetic or meta
    /// message, not a subagent's, not the interrupt notice.
    package static func isPrompt(_ event: JSONValue) -> Bool {
        guard event["type"]?.stringValue == "user" else { return false }
        for flag in ["isReplay", "isSynthetic", "isMeta", "isCompactSummary"] where event[flag]?.boolValue == true {
            return false
        }
        if let parent = event["parent_tool_use_id"], parent != .null { return false }
        if event["tool_use_result"] != nil || event["toolUseResult"] != nil { return false }
        switch event["message"]?["content"] {
        case .string(let text)?:
            return !text.hasPrefix(TurnTracker.interruptMarker)
        case .array(let blocks)?:
            return !blocks.contains { block in
                block["type"]?.stringValue == "tool_result"
                    || block["text"]?.stringValue?.hasPrefix(TurnTracker.interruptMarker) == true
            }
        default:
            return false
        }
    }
}
