#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The emulated service's state: sessions, their events, the fault plan and counters for tests.
///
/// Behaviour follows the protocol reference: events are listed oldest first, `anchor_to_latest`
/// gives the newest page in chronological order, cursors are exclusive ids, `limit` is 1...1000.
public actor EmulatorStore {
    struct StoredEvent {
        let id: String
        var body: JSON
        /// Who wrote it: `worker` (the Claude Code process) or `client` (a viewer posting).
        var source: String
    }

    final class Session {
        var resource: JSON
        var events: [StoredEvent] = []
        var index: [String: Int] = [:]
        // Scripted worker state.
        var queue: [String] = []
        var workerBusy = false
        var turnRunning = false
        var interruptRequested = false
        /// Controllers' answers to the worker's requests, by request_id: the whole `response` (with its
        /// `subtype`), taken by the turn that waits on it.
        var answers: [String: JSON] = [:]
        /// Rules an "always allow" added for this session (`Bash(ls -la)`): the worker asks no more for them.
        var allowRules: Set<String> = []
        var presence: [String: Bool] = [:]
        /// Open event streams, fed as events are stored.
        var streams: [UUID: AsyncStream<StreamItem>.Continuation] = [:]
        // What the v2 session object reports (see SessionObjects.swift).
        /// A turn ended since the session was last marked read.
        var unread = false
        /// Worker control requests (permission prompts, dialogs) not yet answered, oldest first.
        var openPrompts: [JSON] = []
        /// The newest turn's `result`, for `post_turn_summary`.
        var lastResult: JSON?
        var userMessageCount = 0
        /// The worker's `crossSessionInbound` setting: `accept`, `hold`, `refuse`, or nil (unset: a
        /// session that bypasses permissions holds peer messages, late-2026 §1).
        var crossSessionInbound: String?
        /// Peer messages the worker held or refused (late world), newest last, with the verdict.
        var peerMessagesStopped: [(text: String, verdict: String)] = []
        /// Late world: render a permission prompt's `pending_action` as the plain string `"permission"`,
        /// as a live account showed in October 2026 (late-2026 §3).
        var pendingActionAsString = false
        /// Keys laid over `external_metadata` as rendered: a test's way to serve a record in a shape
        /// the evidence reports but this worker does not write (the setting's own words, say).
        var metadataOverride: [String: JSON] = [:]

        init(resource: JSON) { self.resource = resource }

        /// The worker's permission mode (`default` until a controller sets another).
        var permissionMode: String { resource["permission_mode"]?.stringValue ?? "default" }

        /// What the worker does with a peer's message: `accept`, `hold` or `refuse`. Unset means mode
        /// parity: a session that bypasses permissions holds it.
        var peerVerdict: String {
            crossSessionInbound ?? (permissionMode == "bypassPermissions" ? "hold" : "accept")
        }
        var id: String { resource["id"]?.stringValue ?? "" }
        var status: String { resource["session_status"]?.stringValue ?? "idle" }
    }

    let configuration: EmulatorConfiguration
    var sessions: [String: Session] = [:]
    /// Sessions started in place of archived ones (`/compact` in the late world).
    var replacedSessions = 0
    private(set) var eventCounter = 0
    /// While seeding, appends keep the seeded `updated_at` (so the list order is the seeded one).
    var seeding = false
    private var faults: [FaultRule] = []
    /// Per message uuid: how many POSTs carried it, and how many copies were stored.
    private(set) var userMessagesReceived: [String: Int] = [:]
    private(set) var userMessagesStored: [String: Int] = [:]
    private(set) var requestLog: [String] = []
    /// Beside each `requestLog` line: the headers tests check (never a token's value).
    private(set) var headerLog: [RecordedHeaders] = []
    private(set) var presenceLog: [(session: String, clientID: String, clear: Bool)] = []
    /// Bytes of response bodies sent on the service's routes (not `/_emulator/`), streams included.
    private(set) var responseBytes = 0
    /// Service requests whose answer is still being made (a stalled one counts until its delay ends),
    /// so a test can wait until everything a client sent has had its effect.
    public private(set) var requestsInProgress = 0
    /// Service requests received (the control routes under /_emulator/ are not counted).
    private(set) var serviceRequests = 0
    /// How many times `releaseHeldRequests` was called; a held request waits for it to change.
    private var releases = 0
    /// Per session: when its newest `result` event was stored (seconds since 1970), for latency figures.
    private(set) var lastResultStoredAt: [String: Double] = [:]
    private var createdSessions = 0
    /// The bearer tokens accepted now: the configuration's, until a test rotates the login.
    private(set) var validTokens: Set<String>
    /// Open account watch streams (`/v1/code/sessions/watch`), fed as sessions change.
    var watchers: [UUID: AsyncStream<WatchItem>.Continuation] = [:]
    /// Per live session: its list object as watchers last heard of it, without the timestamps that
    /// move with every event (see AccountWatchRoute.swift).
    var announced: [String: JSON] = [:]
    /// Per session: when it last began to need its user (a prompt, or a finished turn unread), in
    /// seconds since 1970, for the attention-latency benchmark.
    var attentionStartedAt: [String: Double] = [:]
    /// Resume tokens handed out for the watch: token -> when (seconds since 1970).
    var watchTokens: [String: Double] = [:]

    public init(configuration: EmulatorConfiguration) {
        self.configuration = configuration
        self.validTokens = configuration.validTokens
    }

    /// Replaces the accepted tokens, as when Claude Code refreshes the login and the old token stops working.
    public func rotateTokens(_ tokens: Set<String>) { validTokens = tokens }

    // MARK: Sessions

    func addSession(_ resource: JSON) -> Session {
        let session = Session(resource: resource)
        sessions[session.id] = session
        return session
    }

    /// Newest first by `updated_at`, ties by id.
    func orderedSessions() -> [Session] {
        sessions.values.sorted {
            let a = $0.resource["updated_at"]?.stringValue ?? "", b = $1.resource["updated_at"]?.stringValue ?? ""
            return a == b ? $0.id > $1.id : a > b
        }
    }

    func session(_ id: String) -> Session? { sessions[id] }
    func resource(_ id: String) -> JSON? { sessions[id]?.resource }
    func orderedResources() -> [JSON] { orderedSessions().map(\.resource) }

    func setStatus(_ id: String, _ status: String) {
        guard let session = sessions[id], session.status != "archived" else { return }
        session.resource["session_status"] = .string(status)
        session.resource["updated_at"] = .string(Clock.timestamp())
        noteSessionChanged(id)
    }

    public func setConnection(_ id: String, connected: Bool) {
        sessions[id]?.resource["connection_status"] = connected ? "connected" : "disconnected"
        // The stream says so too (late-2026 §5: `session_update` carries `connection_status`).
        streamToAll(id, .sessionUpdate(["connection_status": connected ? "connected" : "disconnected"]))
        noteSessionChanged(id)
        if connected { startWorkerIfIdle(id) }
    }

    /// Sends `item` to every open event stream of the session.
    func streamToAll(_ id: String, _ item: StreamItem) {
        for stream in sessions[id]?.streams.values.map({ $0 }) ?? [] { stream.yield(item) }
    }

    /// Archives a session; false when it already was.
    public func archive(_ id: String) -> Bool {
        guard let session = sessions[id], session.status != "archived" else { return false }
        session.resource["session_status"] = "archived"
        session.resource["updated_at"] = .string(Clock.timestamp())
        noteSessionChanged(id)
        return true
    }

    // MARK: Events

    @discardableResult
    func append(_ sessionID: String, _ body: JSON, source: String = "worker") -> String? {
        guard let session = sessions[sessionID] else { return nil }
        eventCounter += 1
        let id = "sevt_" + eventCounter.zeroPadded(12)
        var stored = body
        if stored["created_at"] == nil { stored["created_at"] = .string(Clock.timestamp()) }
        if stored["session_id"] == nil { stored["session_id"] = .string(sessionID) }
        session.index[id] = session.events.count
        session.events.append(StoredEvent(id: id, body: stored, source: source))
        let envelope = Self.envelope(session.events[session.events.count - 1], sequence: session.events.count)
        for stream in session.streams.values { stream.yield(.event(envelope)) }
        if !seeding { session.resource["updated_at"] = .string(Clock.timestamp()) }
        if body["type"]?.stringValue == "result" { lastResultStoredAt[sessionID] = Date().timeIntervalSince1970 }
        session.noteForSummary(stored, source: source)
        if body["type"]?.stringValue == "user", let uuid = body["uuid"]?.stringValue {
            userMessagesStored[uuid, default: 0] += 1
        }
        if !seeding { noteSessionChanged(sessionID) }
        return id
    }

    enum QueryError: Error { case badCursor(String) }

    // MARK: Event streams (v2)

    /// What an open event stream receives.
    enum StreamItem: Sendable {
        case event(JSON)
        case keepalive
        /// Late world: an `ephemeral_event` frame (never stored, no `id:` line).
        case ephemeral(JSON)
        /// Late world: a `client_event` frame with an `id:` and empty data, which only says where the
        /// stream stands (late-2026 §5).
        case positionOnly(Int)
        /// A `session_update` frame.
        case sessionUpdate(JSON)
    }

    /// The session's newest `sequence_num`.
    func newestSequence(_ id: String) -> Int { sessions[id]?.events.count ?? 0 }

    /// An event as the v2 routes wrap it: `sequence_num` counts the session's events from "1".
    static func envelope(_ event: StoredEvent, sequence: Int) -> JSON {
        [
            "event_id": .string(event.id), "event_type": event.body["type"] ?? .null,
            "sequence_num": .string(String(sequence)), "source": .string(event.source),
            "created_at": event.body["created_at"] ?? .null, "payload": event.body,
        ]
    }

    enum StreamStart: Error {
        case gone
    }

    /// Registers a stream and returns the stored events after `sequence` to replay first, in one
    /// step so that no event falls between the replay and the live feed.
    func openStream(_ sessionID: String, after position: Int?, continuation: AsyncStream<StreamItem>.Continuation)
        throws -> (id: UUID, replay: [JSON], connection: String)
    {
        guard let session = sessions[sessionID] else { return (UUID(), [], "unknown") }
        let sequence = position ?? session.events.count
        let oldest = max(0, session.events.count - configuration.streamReplayLimit)
        guard sequence >= oldest else { throw StreamStart.gone }
        let start = min(sequence, session.events.count)
        let replay = (start..<session.events.count).map { Self.envelope(session.events[$0], sequence: $0 + 1) }
        let id = UUID()
        session.streams[id] = continuation
        return (id, replay, session.resource["connection_status"]?.stringValue ?? "unknown")
    }

    func closeStream(_ sessionID: String, _ id: UUID) {
        sessions[sessionID]?.streams.removeValue(forKey: id)?.finish()
    }

    /// A page of the v2 event list: envelopes after (`asc`) or before (`desc`) `cursor`.
    func envelopePage(_ sessionID: String, limit: Int, ascending: Bool, cursor: Int?) -> (data: [JSON], more: Bool) {
        guard let session = sessions[sessionID] else { return ([], false) }
        let count = session.events.count
        if ascending {
            let first = min(count, cursor ?? 0)  // sequence numbers start at 1: index = sequence - 1
            let end = min(count, first + limit)
            return ((first..<end).map { Self.envelope(session.events[$0], sequence: $0 + 1) }, end < count)
        }
        let upper = min(count, (cursor ?? (count + 1)) - 1)  // exclusive: sequences below the cursor
        guard upper > 0 else { return ([], false) }
        let start = max(0, upper - limit)
        return ((start..<upper).reversed().map { Self.envelope(session.events[$0], sequence: $0 + 1) }, start > 0)
    }

    public func openStreamCount(_ sessionID: String) -> Int { sessions[sessionID]?.streams.count ?? 0 }

    /// The events page for a query, with the reference's semantics.
    func eventsPage(_ sessionID: String, limit: Int, afterID: String?, beforeID: String?, anchorToLatest: Bool) throws
        -> (events: [StoredEvent], hasMore: Bool)
    {
        guard let session = sessions[sessionID] else { return ([], false) }
        var lower = 0
        var upper = session.events.count
        if let afterID {
            guard let position = session.index[afterID] else { throw QueryError.badCursor("after_id") }
            lower = position + 1
        }
        if let beforeID {
            guard let position = session.index[beforeID] else { throw QueryError.badCursor("before_id") }
            upper = position
        }
        guard lower < upper else { return ([], false) }
        if anchorToLatest {
            let start = max(lower, upper - limit)
            return (Array(session.events[start..<upper]), start > lower)
        }
        let end = min(upper, lower + limit)
        return (Array(session.events[lower..<end]), end < upper)
    }

    // MARK: Faults and counters

    public func addFault(_ rule: FaultRule) { faults.append(rule) }
    public func clearFaults() { faults.removeAll() }
    /// Rules not yet used up (a test checks its fault really was hit).
    public func pendingFaults() -> [FaultRule] { faults }

    /// The first rule that matches (and that `accept` takes), used up by one.
    func takeFault(
        method: String, path: String, query: String = "", accept: @Sendable (FaultRule.Kind) -> Bool = { _ in true }
    ) -> FaultRule? {
        guard let index = faults.firstIndex(where: { $0.matches(method: method, path: path, query: query) && accept($0.kind) }) else {
            return nil
        }
        let rule = faults[index]
        if let times = rule.times {
            if times <= 1 { faults.remove(at: index) } else { faults[index].times = times - 1 }
        }
        return rule
    }

    func noteRequest(_ line: String, headers: RecordedHeaders) {
        requestLog.append(line)
        headerLog.append(headers)
        if requestLog.count > 10_000 {
            requestLog.removeFirst(5_000)
            headerLog.removeFirst(5_000)
        }
    }

    /// The recorded requests with their checked headers, newest last (the `/_emulator/requests` route).
    public func recordedRequests() -> JSON {
        .array(zip(requestLog, headerLog).map { line, headers in
            var item: [String: JSON] = ["request": .string(line)]
            item["anthropic_client_platform"] = headers.platform.map(JSON.string) ?? .null
            item["accept"] = headers.accept.map(JSON.string) ?? .null
            item["anthropic_beta"] = headers.beta.map(JSON.string) ?? .null
            item["trusted_device_token"] = headers.trustedDevice.map { .string($0 ? "valid" : "wrong") } ?? .null
            return .object(item)
        })
    }

    func noteResponseBytes(_ count: Int) { responseBytes += count }

    func noteRequestStarted() {
        serviceRequests += 1
        requestsInProgress += 1
    }
    func noteRequestFinished() { requestsInProgress -= 1 }

    /// Lets every request a `hold` fault holds go on (each is then handled as usual).
    public func releaseHeldRequests() { releases += 1 }

    /// Holds the calling request until the next release, or `seconds` at most.
    func holdUntilReleased(atMost seconds: Double) async {
        let release = releases
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while releases == release, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Adds an idle, connected session holding `turns` finished turns (five events each); returns its id.
    public func createSession(turns: Int, title: String?) -> String {
        createdSessions += 1
        let id = "session_01HCreated" + createdSessions.zeroPadded(16)
        _ = addSession(Seed.resource(
            id: id, title: title ?? "Created session #\(createdSessions)", status: "idle", connected: true,
            minutesAgo: 1, cwd: "/home/user/created"))
        for turn in 0..<turns {
            appendTurn(id, user: "Step \(turn + 1): continue", reply: "Step \(turn + 1) done: one more module moved.")
        }
        noteSessionChanged(id)
        return id
    }

    /// Makes a session look last active `daysAgo` days ago (its times and its events'), connected or not.
    public func age(_ id: String, daysAgo: Double, connected: Bool) {
        guard let session = sessions[id] else { return }
        let then = Clock.timestamp(Date().addingTimeInterval(-daysAgo * 86_400))
        session.resource["updated_at"] = .string(then)
        session.resource["created_at"] = .string(then)
        session.resource["connection_status"] = connected ? "connected" : "disconnected"
        for index in session.events.indices { session.events[index].body["created_at"] = .string(then) }
        noteSessionChanged(id)
    }

    func noteUserMessageReceived(_ uuid: String) { userMessagesReceived[uuid, default: 0] += 1 }

    /// Announces that came without `connected_at` (the 2026 clients always send one).
    public private(set) var presenceAnnouncesWithoutTime = 0

    func notePresence(_ session: String, clientID: String, clear: Bool, connectedAt: String?) {
        if !clear && connectedAt == nil { presenceAnnouncesWithoutTime += 1 }
        presenceLog.append((session, clientID, clear))
        sessions[session]?.presence[clientID] = clear ? nil : true
    }

    /// Counters for tests and the `/_emulator/stats` route.
    public func stats() -> JSON {
        .object([
            "user_messages_received": .object(userMessagesReceived.mapValues { .int(Int64($0)) }),
            "user_messages_stored": .object(userMessagesStored.mapValues { .int(Int64($0)) }),
            "presence": .array(presenceLog.map { ["session": .string($0.session), "client_id": .string($0.clientID), "clear": .bool($0.clear)] }),
            "requests": .int(Int64(requestLog.count)),
            "faults_pending": .int(Int64(faults.count)),
            "response_bytes": .int(Int64(responseBytes)),
            "service_requests": .int(Int64(serviceRequests)),
            "requests_in_progress": .int(Int64(requestsInProgress)),
            "last_result_at": .object(lastResultStoredAt.mapValues { .double($0) }),
            "attention_started_at": .object(attentionStartedAt.mapValues { .double($0) }),
            "open_watches": .int(Int64(watchers.count)),
            // Event streams still open: a client that stops following a session closes its stream.
            "open_event_streams": .int(Int64(sessions.values.reduce(0) { $0 + $1.streams.count })),
        ])
    }

    /// Stores an event as if the worker wrote it (tests use this for event types the worker never emits).
    public func inject(_ sessionID: String, event: JSON) { append(sessionID, event) }

    /// A client's `control_response`, as the events route takes it: stored, and handed to the turn
    /// that waits on its request (tests post answers no cc-tap call would send, e.g. an error).
    public func takeAnswer(_ sessionID: String, _ event: JSON) {
        append(sessionID, event, source: "client")
        if let requestID = event["response"]?["request_id"]?.stringValue {
            recordAnswer(sessionID, requestID: requestID, response: event["response"] ?? [:])
        }
    }

    public func storedCount(uuid: String) -> Int { userMessagesStored[uuid] ?? 0 }
    public func receivedCount(uuid: String) -> Int { userMessagesReceived[uuid] ?? 0 }
    public func presenceEntries() -> [(session: String, clientID: String, clear: Bool)] { presenceLog }
    public func requests() -> [String] { requestLog }
    public func eventCount(_ sessionID: String) -> Int { sessions[sessionID]?.events.count ?? 0 }
    public func sessionStatus(_ sessionID: String) -> String? { sessions[sessionID]?.status }
    public func allEvents(_ sessionID: String) -> [JSON] { sessions[sessionID]?.events.map(\.body) ?? [] }
}
