import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// The one façade over the remote session API. Every surface (MCP server, C ABI, CLI) calls these
/// operations and encodes what they return; none of them talks to the service directly.
///
/// All methods throw `TapError`.
public final class Tap: Sendable {
    let api: RemoteAPI
    /// The account's live sessions, kept current while someone waits for attention or watches them.
    let sessionWatch: AccountWatch

    public init(configuration: TapConfiguration) {
        let api = RemoteAPI(configuration: configuration)
        self.api = api
        self.sessionWatch = AccountWatch(api: api) {
            let listed = try await api.allSessions(statuses: ["active"])
            return (listed.sessions, listed.resumeToken, listed.dialect)
        }
    }

    deinit { sessionWatch.stop() }

    public var configuration: TapConfiguration { api.configuration }
    private var logger: Logger { api.configuration.logger }

    // MARK: Sessions

    /// Every session, following pages until the service says there are no more.
    /// `status`: nil or `all` for every session; `active` or `archived` (the lifecycle, which the v2
    /// list filters with `statuses`); or a worker state `running`, `idle`, `requires_action`.
    ///
    /// A service that refuses or ignores the page parameter gets a partial list (`complete` false,
    /// `note` saying why), never an error: the sessions read so far are still worth showing.
    public func listSessions(status: String? = nil) async throws -> SessionList {
        let filter = status?.trimmed.lowercased()
        if let filter, !Self.statusFilters.contains(filter) {
            throw TapError.invalidArgument(
                "status_filter must be one of \(Self.statusFilters.filter { !$0.isEmpty }.joined(separator: ", ")) "
                    + "(got \"\(filter.prefix(40))\"); leave it out for every session.")
        }
        let statuses: [String] =
            switch filter {
            case nil, "", "all": []
            case "archived": ["archived"]
            default: ["active"]
            }
        let listed = try await api.allSessions(statuses: statuses)
        let kept = listed.sessions.filter { Self.matches($0, filter) }
        return SessionList(
            sessions: kept, count: kept.count, statusFilter: (filter?.isEmpty ?? true) ? nil : filter,
            pagesRead: listed.pages, complete: listed.note == nil, note: listed.note)
    }

    /// What `status_filter` accepts: a lifecycle, a worker state, or `needs_attention`.
    public static let statusFilters = ["", "all", "active", "archived", "running", "idle", "requires_action", "needs_attention"]

    private static func matches(_ session: SessionSummary, _ filter: String?) -> Bool {
        switch filter {
        case nil, "", "all": return true
        case "active": return session.status != "archived"
        case "archived": return session.status == "archived"
        case "needs_attention": return session.needsAttention
        case let state?: return session.status != "archived" && session.workerStatus == state
        }
    }

    /// One session, its context, and its unanswered permission prompts.
    public func sessionInfo(_ id: String) async throws -> SessionInfo {
        let session = try SessionID(id)
        let api = api
        let (json, _) = try await api.speaking(.session) { try await api.session(session, $0) }
        let prompts = openPrompts(in: try await recentEvents(session, limit: 200).events)
        return SessionInfo(
            session: SessionSummary(json), context: SessionRecord.context(of: json),
            pendingPermissions: prompts.permissions, pendingInputs: prompts.inputs)
    }

    /// The newest `limit` events of a session, oldest first, and the position after them (one read).
    func recentEvents(_ session: SessionID, limit: Int) async throws -> HistoryPage {
        let api = api
        return try await api.speaking(.history) { try await api.historyPage(session, $0, before: nil, limit: limit) }.value
    }

    // MARK: Reading

    /// Most raw events a read scans backwards before it stops looking.
    static let maxEventsScanned = 20_000

    /// The newest `lastN` conversation entries, read backwards from the end of the session.
    public func readSession(_ id: String, lastN: Int = 20) async throws -> Transcript {
        let session = try SessionID(id)
        let wanted = try Self.checkedCount(lastN, name: "last_n")
        var events: [JSONValue] = []
        var entries: [TranscriptEntry] = []
        var hasOlder = false
        try await pageBackwards(session) { page in
            events.insert(contentsOf: page.events, at: 0)
            hasOlder = page.older != nil
            entries = TranscriptBuilder.entries(from: events)
            return entries.count > wanted  // one extra, so a message split across pages is complete
        }
        let shown = Array(entries.suffix(wanted))
        return Transcript(
            sessionID: api.spelling(session, .history), entries: shown, hasOlder: hasOlder || shown.count < entries.count,
            eventsRead: events.count)
    }

    /// The newest `lastN` raw events (of the given types, if any), oldest first, untouched.
    public func events(_ id: String, types: [String] = [], lastN: Int = 50) async throws -> EventList {
        let session = try SessionID(id)
        let wanted = try Self.checkedCount(lastN, name: "last_n")
        let typeSet = Set(types.map(\.trimmed).filter { !$0.isEmpty })
        var matched: [JSONValue] = []
        var read = 0
        var hasOlder = false
        try await pageBackwards(session) { page in
            read += page.events.count
            let keep = typeSet.isEmpty ? page.events : page.events.filter { typeSet.contains(TurnReading.type(of: $0)) }
            matched.insert(contentsOf: keep, at: 0)
            hasOlder = page.older != nil
            return matched.count >= wanted
        }
        let shown = Array(matched.suffix(wanted))
        return EventList(
            sessionID: api.spelling(session, .history), events: shown, count: shown.count, eventTypes: typeSet.sorted(),
            hasOlder: hasOlder || shown.count < matched.count, eventsRead: read)
    }

    /// `events` with types as the surfaces take them: comma-separated, empty for all.
    public func events(_ id: String, typeList: String?, lastN: Int = 50) async throws -> EventList {
        try await events(id, types: (typeList ?? "").split(separator: ",").map(String.init), lastN: lastN)
    }

    /// Reads pages newest-first until `enough` says so, the start of the session is reached, or
    /// `maxEventsScanned` events were read. The first page learns the dialect; the rest follow it.
    private func pageBackwards(_ session: SessionID, _ enough: (HistoryPage) -> Bool) async throws {
        let api = api
        let size = configuration.pageSize
        var (page, dialect) = try await api.speaking(.history) {
            try await api.historyPage(session, $0, before: nil, limit: size)
        }
        var read = page.events.count
        while !enough(page), let older = page.older, read < Self.maxEventsScanned {
            page = try await api.historyPage(session, dialect, before: older, limit: size)
            read += page.events.count
        }
    }

    static func checkedCount(_ value: Int, name: String) throws -> Int {
        guard Limits.lastN.contains(value) else {
            throw TapError.invalidArgument(
                "\(name) must be between \(Limits.lastN.lowerBound) and \(Limits.lastN.upperBound) (got \(value)).")
        }
        return value
    }

    // MARK: Sending

    /// Longest message accepted, in UTF-8 bytes.
    public static let maxMessageBytes = Limits.messageBytes

    /// Posts a user message. Returns once the service has accepted it, with a cursor for `waitForReply`.
    /// `sender` (default: the configuration's, `agent`) says who wrote it: an agent's message goes out
    /// as another session's, and a session that refuses those is sent nothing (PROTOCOL.md §16).
    public func sendMessage(_ id: String, message: String, sender: MessageSender? = nil) async throws -> SendResult {
        let session = try SessionID(id)
        let text = try Self.checkedMessage(message)
        let sender = sender ?? configuration.sender
        let look = try await lookBeforeSending(session)
        let gate = sender == .agent ? look.summary.peerMessages : nil
        if let gate, gate.refuses {
            throw TapError.invalidArgument(
                "Session \(session.spelled(.v1)): \(PeerPolicy.refusal.lowercasedFirst)\(PeerPolicy.remedy)")
        }
        var delivery = MessageDelivery(api: api, session: session)
        delivery.sender = sender
        var sent = try await delivery.send(text: text, after: look.newest, queue: look.queue)
        sent.queued = look.queue.turnRunning || !look.queue.queued.isEmpty || look.summary.isTurnRunning
        Self.describe(&sent, sender: sender, gate: gate, look: look)
        return sent
    }

    /// Fills in who a message went out as and what the session will do with it.
    static func describe(_ sent: inout SendResult, sender: MessageSender, gate: PeerPolicy?, look: SessionLook) {
        sent.sender = sender
        sent.clientPlatform = RemoteAPI.clientPlatform(for: sender)
        sent.peerMessages = gate
        sent.held = gate?.holds ?? false
        sent.hint =
            sent.held
            ? "Stored, but not taken up: it went out as another session's message (an agent's), and "
                + "\(gate!.reason.lowercasedFirst) No turn starts for it unless its person lets it through. \(PeerPolicy.remedy)"
            : sendHint(look)
        sent.next = sent.held ? nil : .waitForReply(cursor: sent.cursor)
    }

    /// A look at the session before a send: an archived session is refused before anything is posted.
    private func lookBeforeSending(_ session: SessionID) async throws -> SessionLook {
        let look = try await SessionLook.take(api: api, session: session)
        if look.isArchived {
            let likely = await SessionLook.likelySuccessor(api: api, of: look.summary)
            throw TapError.invalidArgument(
                Successor.sentence(for: look.summary.id, likely: likely, nothingSent: true))
        }
        return look
    }

    /// What a send's result says about when the message will be answered.
    static func sendHint(_ look: SessionLook) -> String {
        if look.isDisconnected {
            return "Stored, but the session's machine is disconnected: it will be answered when it reconnects."
        }
        if !look.prompts.isEmpty {
            return "Stored and queued: the current turn waits for an answer to its prompt first (see the session's pending prompts)."
        }
        if look.queue.turnRunning || !look.queue.queued.isEmpty || look.summary.isTurnRunning {
            return "Stored and queued behind the current turn; the worker takes it up when that turn ends."
        }
        return "Stored; the worker takes it up next."
    }

    static func checkedMessage(_ message: String) throws -> String {
        guard !message.trimmed.isEmpty else {
            throw TapError.invalidArgument("The message is empty; say something to send.")
        }
        guard message.utf8.count <= maxMessageBytes else {
            throw TapError.invalidArgument(
                "The message is \(message.utf8.count) bytes; the limit is \(maxMessageBytes). Send a shorter one.")
        }
        return message
    }

    // MARK: Waiting

    /// Sends a message and waits for the turn it starts to end, a permission prompt, or the timeout.
    public func sendAndWait(
        _ id: String, message: String, timeout: Double = 50, pollInterval: Double? = nil, sender: MessageSender? = nil,
        progress: (@Sendable (WaitProgress) -> Void)? = nil
    ) async throws -> WaitResult {
        let session = try SessionID(id)
        let text = try Self.checkedMessage(message)
        let seconds = try Self.checkedTimeout(timeout)
        let interval = try pollInterval.map(Self.checkedPollInterval) ?? configuration.pollInterval
        let sender = sender ?? configuration.sender
        let started = Date()
        let look = try await lookBeforeSending(session)
        let gate = sender == .agent ? look.summary.peerMessages : nil
        if let gate, gate.refuses {
            return Self.stopped(
                .refused, session: api.spelling(session, .send), uuid: nil, cursor: look.newest.description, gate: gate,
                started: started,
                hint: PeerPolicy.refusal + PeerPolicy.remedy)
        }
        var delivery = MessageDelivery(api: api, session: session, deadline: started.addingTimeInterval(max(seconds, 1)))
        delivery.sender = sender
        var sent = try await delivery.send(text: text, after: look.newest, queue: look.queue)
        Self.describe(&sent, sender: sender, gate: gate, look: look)
        if sent.held, let gate {
            // No turn will come until the person acts: say so now instead of waiting out the timeout.
            return Self.stopped(
                .held, session: sent.sessionID, uuid: sent.uuid, cursor: sent.cursor, gate: gate, started: started, hint: sent.hint)
        }
        let remaining = max(0, seconds - Date().timeIntervalSince(started))
        do {
            // The look before the send is the wait's look: a prompt already open answers at once.
            var result = try await TurnWaiter(api: api, session: session, pollInterval: interval)
                .wait(from: try EventCursor(sent.cursor), look: look, timeout: remaining, started: started, progress: progress)
            result.sender = sender
            result.peerMessages = gate
            if result.status == .timeout, result.turn == .queued, let gate, gate.verdict != .accept, look.isIdle {
                // An idle session that took no turn for the message may be holding it as a peer's.
                result.hint =
                    "No turn took the message up. It went out as another session's message (an agent's), and "
                    + "\(gate.reason.lowercasedFirst) It may be held for its person. \(PeerPolicy.remedy) " + result.hint
            }
            return result
        } catch let error as TapError where error != .cancelled {
            throw TapError.waitFailedAfterSend(uuid: sent.uuid, cursor: sent.cursor, cause: error)
        }
    }

    /// Waits from `cursor` (from a send or an earlier wait) for the turn to end, a permission
    /// prompt, or the timeout.
    public func waitForReply(
        _ id: String, cursor: String, timeout: Double = 50, pollInterval: Double? = nil,
        progress: (@Sendable (WaitProgress) -> Void)? = nil
    ) async throws -> WaitResult {
        let session = try SessionID(id)
        let position = try EventCursor(cursor)
        let seconds = try Self.checkedTimeout(timeout)
        let interval = try pollInterval.map(Self.checkedPollInterval) ?? configuration.pollInterval
        return try await TurnWaiter(api: api, session: session, pollInterval: interval)
            .wait(from: position, look: nil, timeout: seconds, started: Date(), progress: progress)
    }

    /// A wait that ends before any turn because of the session's peer policy.
    static func stopped(
        _ status: WaitStatus, session: String, uuid: String?, cursor: String, gate: PeerPolicy, started: Date, hint: String
    ) -> WaitResult {
        var result = WaitResult(
            status: status, sessionID: session, messageUUID: uuid, reply: "", pendingPermissions: [], pendingInputs: [],
            result: nil, cursor: cursor, elapsedSeconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000, eventsRead: 0,
            eventSource: .poll, hint: hint)
        result.turn = uuid == nil ? nil : .queued
        result.sender = .agent
        result.peerMessages = gate
        return result
    }

    static func checkedTimeout(_ value: Double) throws -> Double {
        try SecondsSetting.wait.checked(value, name: "timeout")
    }

    static func checkedPollInterval(_ value: Double) throws -> Double {
        try SecondsSetting.pollInterval.checked(value, name: "poll_interval")
    }

    // MARK: Attention

    /// Waits until any of `sessions` (every live session of the account when empty) needs its
    /// user: a permission prompt or other blocking request, a finished turn nobody read, or a
    /// machine that dropped off during a turn. Returns at once when one already does and the
    /// caller was not told of it (`resumeToken`, from an earlier result); on timeout, a result to
    /// resume from. Follows the account watch stream, or polls the list where it is not served.
    public func waitForAttention(
        sessions: [String] = [], timeout: Double = 50, resumeToken: String? = nil,
        progress: (@Sendable (AttentionProgress) -> Void)? = nil
    ) async throws -> AttentionResult {
        guard Limits.attentionSessions.contains(sessions.count) else {
            throw TapError.invalidArgument(
                "At most \(Limits.attentionSessions.upperBound) sessions per wait (got \(sessions.count)); "
                    + "leave them out to watch every session.")
        }
        let scope = sessions.isEmpty ? nil : Set(try sessions.map { try SessionID($0).spelled(.v2) })
        let seen = try resumeToken.map { $0.trimmed.isEmpty ? AttentionResumeToken([]) : try AttentionResumeToken.decode($0) } ?? AttentionResumeToken([])
        let seconds = try Self.checkedTimeout(timeout)
        var waiter = AttentionWaiter(api: api, watch: sessionWatch, scope: scope, seen: seen)
        return try await waiter.wait(timeout: seconds, progress: progress)
    }

    /// Where the shared session board's updates come from now (nil while nobody watches).
    package var attentionSource: AttentionSource? { sessionWatch.source }

    // MARK: Control

    /// Answers a permission prompt. `requestID` is the prompt's `request_id` (see
    /// `pendingPermissions`), not its tool_use_id. Allowing without `updatedInput` runs the tool
    /// with the input it proposed.
    ///
    /// Answering by POSTing a `control_response` is what captured web clients do; it is not
    /// verified against the live service for Remote Control sessions (see PROTOCOL.md).
    public func respondToPermission(
        _ id: String, requestID: String, decision: PermissionDecision, message: String? = nil,
        updatedInput: JSONValue? = nil, always: Bool = false
    ) async throws -> PermissionResponseResult {
        let session = try SessionID(id)
        let requestID = requestID.trimmed
        guard !requestID.isEmpty, requestID.utf8.count <= Limits.requestIDBytes else {
            throw TapError.invalidArgument("request_id is empty or too long; take it from pending_permissions.")
        }
        if let updatedInput, updatedInput.objectValue == nil {
            throw TapError.invalidArgument("updated_input must be a JSON object (the tool's input).")
        }
        let recent = try await recentEvents(session, limit: 500)
        let pending = openPrompts(in: recent.events).permissions
        guard let request = pending.first(where: { $0.requestID == requestID }) else {
            if let byToolUse = pending.first(where: { $0.toolUseID == requestID }) {
                throw TapError.invalidArgument(
                    "\(requestID) is the tool_use_id; answer with the prompt's request_id \(byToolUse.requestID).")
            }
            let known = pending.map(\.requestID)
            throw TapError.invalidArgument(
                "No unanswered permission prompt with request_id \(requestID) in \(api.spelling(session, .history))"
                    + (known.isEmpty ? " (none is pending)." : "; pending: \(known.joined(separator: ", ")).")
                    + " It may have been answered or withdrawn already.")
        }
        if always {
            guard decision == .allow else {
                throw TapError.invalidArgument("always goes with allow: it keeps allowing what the prompt suggests.")
            }
            guard updatedInput == nil else {
                throw TapError.invalidArgument(
                    "always keeps allowing what the prompt proposed; with an edited input the rule sent back would not "
                        + "cover what runs. Allow the edited input once, or always without an edit.")
            }
            guard !request.suggestions.isEmpty else {
                throw TapError.invalidArgument(
                    "The prompt offers nothing to keep allowing (its permission_suggestions are empty); allow it once instead.")
            }
        }
        let event = RemoteAPI.permissionAnswer(
            requestID: requestID, toolUseID: request.toolUseID, decision: decision, input: updatedInput ?? request.input,
            message: message, keepAllowing: always ? request.suggestions : [])
        let (status, detail, worded) = try await answer(
            session, event, from: recent, ControlVerdict.permissionAnswer(requestID: requestID, toolUseID: request.toolUseID))
        let note =
            status == .acknowledged && always
            ? worded + " It was also told to keep allowing: \(request.alwaysAllows.joined(separator: "; "))." : worded
        return PermissionResponseResult(
            sessionID: api.spelling(session, .send), requestID: requestID, decision: decision, always: always, toolName: request.toolName,
            status: status, detail: detail, sent: event, note: note,
            next: status == .acknowledged || status == .queued ? .followTurn : nil)
    }

    /// Posts an answer to a worker's request and watches briefly for what the worker made of it; the
    /// read that found the request gives the position to watch from (no second read). Returns the
    /// verdict and its note.
    func answer(_ session: SessionID, _ event: JSONValue, from recent: HistoryPage, _ verdict: @escaping ControlVerdict.Reader)
        async throws -> (ControlStatus, String?, String)
    {
        let api = api
        try await MessageDelivery(api: api, session: session).postControl { dialect in
            try await api.postAnswer(session, dialect, event)
        }
        let (status, detail) = await ControlAcknowledgement(api: api, session: session).watch(
            from: EventCursor(recent.newest), seconds: configuration.acknowledgementTimeout, verdict)
        let note: String =
            switch status {
            case .acknowledged: "The worker took the answer (\(detail ?? "it went on"))."
            case .queued, .applied:
                "Posted; the worker has not shown within \(Int(configuration.acknowledgementTimeout)) s that it took the "
                    + "answer (it may be busy or offline)."
            case .refused: "The worker refused the answer: \(detail ?? "no reason given")."
            case .withdrawn: "The worker withdrew the request before the answer took effect."
            }
        return (status, detail, note)
    }

    /// Asks the worker to stop the current turn (the Stop button).
    public func interrupt(_ id: String) async throws -> InterruptResult {
        let session = try SessionID(id)
        let (requestID, status, detail) = try await sendControl(session, subtype: "interrupt")
        return InterruptResult(sessionID: api.spelling(session, .send), requestID: requestID, status: status, detail: detail)
    }

    // MARK: Following a session

    /// A cursor at the session's newest event now (`start` for an empty session).
    public func latestCursor(_ id: String) async throws -> String {
        try await EventFeed.latest(api: api, session: try SessionID(id)).description
    }

    /// The events after `cursor`, oldest first, and the cursor past them. Reads only what is new.
    public func newEvents(_ id: String, after cursor: String) async throws -> (events: [JSONValue], cursor: String) {
        var feed = EventFeed(api: api, session: try SessionID(id), cursor: try EventCursor(cursor))
        let events = try await feed.readNew()
        return (events, feed.cursor.description)
    }

    // MARK: Diagnostics

    /// Where the login was found (never the token itself).
    public func credential() throws -> Credential { try api.credentials.current() }

    /// The organisation in use and where it came from.
    public func organization() async throws -> Organization { try await api.resolveOrganization() }
}

