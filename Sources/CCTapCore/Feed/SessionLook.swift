import CCTapModel

/// One look at a session before a send or a wait: its record and its newest events, read at
/// once. It tells whether the session can answer at all (archived, disconnected), the worker's
/// queue at the newest event (`TurnLedger`) and the prompts open there.
struct SessionLook: Sendable {
    var summary: SessionSummary
    /// Just past the newest event read.
    var newest: EventCursor
    /// The turns at `newest`: whether one runs, and how many prompts wait.
    var queue: TurnLedger
    var prompts: OpenPrompts
    /// When the newest turn ended (`created_at` or `timestamp` of its `result`), if the page shows it.
    var lastTurnEndedAt: String?

    /// How many newest events a look reads first: the one that says whether the session is at rest.
    static let restingRead = 1
    /// How many it reads otherwise: enough to hold the running turn and what is queued.
    static let eventsRead = 200

    static func take(api: RemoteAPI, session: SessionID) async throws -> SessionLook {
        async let record = api.speaking(.session) { try await api.session(session, $0) }.value
        async let page = api.speaking(.history) { dialect in
            try await api.historyPage(session, dialect, before: nil, limit: restingRead)
        }.value
        let (json, first) = try await (record, page)
        let summary = SessionSummary(json)
        var tail = first
        if first.older != nil && !atRest(summary, first.events) {
            // A turn runs or something waits: its start and what is queued may lie further back.
            tail = try await api.speaking(.history) { dialect in
                try await api.historyPage(session, dialect, before: nil, limit: eventsRead)
            }.value
        }
        return SessionLook(
            summary: summary, newest: EventCursor(tail.newest), queue: TurnLedger.replaying(
                tail.events, holdsPeers: summary.peerMessages.holds || summary.peerMessages.refuses),
            prompts: openPrompts(in: tail.events),
            lastTurnEndedAt: TurnReading.lastTurnEnd(in: tail.events))
    }

    /// At rest: the record says the worker is idle and the newest event ends a turn. Nothing then
    /// runs, no prompt is open and no message waits (the worker starts a turn for a queued message as
    /// soon as the one before ends), so the newest event is the whole look. Most sends find a
    /// session so: the look costs one event's bytes, not two hundred's.
    /// A `prompt_suggestion` is written only after a turn has ended (the CLI suggests the next prompt
    /// once it is done), so a newest event of that kind is at rest too.
    static func atRest(_ summary: SessionSummary, _ events: [JSONValue]) -> Bool {
        summary.workerStatus == "idle" && TurnReading.endsAtRest(events)
    }

    var isArchived: Bool { summary.status == "archived" }

    /// The live session that most likely replaced `archived` (`Successor`), from one read of the active
    /// list; nil when none fits or the list cannot be read (the archive is what matters then).
    static func likelySuccessor(api: RemoteAPI, of archived: SessionSummary) async -> SessionSummary? {
        guard let listed = try? await api.allSessions(statuses: ["active"]) else { return nil }
        return Successor.likely(of: archived, among: listed.sessions)
    }
    var isDisconnected: Bool { summary.connectionStatus == "disconnected" }
    /// Idle by its record and by its events: no turn runs, nothing waits to be taken up.
    var isIdle: Bool {
        !summary.isTurnRunning && !queue.turnRunning && queue.queued.isEmpty && prompts.isEmpty
    }
}
