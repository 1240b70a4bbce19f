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

    /// How many newest events a look reads: enough to hold the running turn and what is queued.
    static let eventsRead = 200

    static func take(api: RemoteAPI, session: SessionID) async throws -> SessionLook {
        async let record = api.speaking(.session) { try await api.session(session, $0) }.value
        async let page = api.speaking(.history) { dialect in
            try await api.historyPage(session, dialect, before: nil, limit: eventsRead)
        }.value
        let (json, tail) = try await (record, page)
        let ended = tail.events.last { $0["type"]?.stringValue == "result" }
        return SessionLook(
            summary: SessionSummary(json), newest: EventCursor(tail.newest), queue: TurnLedger.replaying(tail.events),
            prompts: openPrompts(in: tail.events),
            lastTurnEndedAt: ended?["created_at"]?.stringValue ?? ended?["timestamp"]?.stringValue)
    }

    var isArchived: Bool { summary.status == "archived" }
    var isDisconnected: Bool { summary.connectionStatus == "disconnected" }
    /// Idle by its record and by its events: no turn runs, nothing waits to be taken up.
    var isIdle: Bool {
        !summary.isTurnRunning && !queue.turnRunning && queue.queued.isEmpty && prompts.isEmpty
    }
}
