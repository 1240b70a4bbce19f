import AsyncHTTPClient
import CCTapModel

/// The events family: a session's stored events in both dialects (read backwards for history,
/// forwards for what is new) and the v2 live stream of them.
extension RemoteAPI {
    /// The newest `limit` events before `position` (or the newest of all), oldest first.
    /// - v2: `GET …/events?sort_order=desc&cursor=<sequence>&limit` (the page comes newest first);
    /// - v1: `GET …/events?anchor_to_latest=true&before_id=<event id>&limit`.
    func historyPage(_ id: SessionID, _ dialect: Dialect, before position: HistoryPosition?, limit: Int) async throws
        -> HistoryPage
    {
        switch dialect {
        case .v2:
            var cursor: Int?
            if case .sequence(let number) = position { cursor = number }
            let page = try await envelopePage(id, cursor: cursor, ascending: false, limit: limit)
            let envelopes = page.envelopes.filter { cursor == nil || $0.sequence < cursor! }.reversed()
            let oldest = envelopes.first?.sequence
            return HistoryPage(
                events: envelopes.map(\.payload), older: page.hasMore && (oldest ?? 0) > 1 ? oldest.map { .sequence($0) } : nil,
                newest: .sequence(envelopes.last?.sequence ?? cursor.map { $0 - 1 } ?? 0))
        case .v1:
            var before: String?
            if case .eventID(let text) = position { before = text }
            let page = try await eventsPage(id, EventsQuery(limit: limit, beforeID: before, anchorToLatest: true))
            let older = page.hasMore && page.firstID != nil && page.firstID != before ? page.firstID : nil
            return HistoryPage(
                events: page.data, older: older.map { .eventID($0) }, newest: page.lastID.map { .eventID($0) } ?? .start)
        }
    }

    /// `GET /v1/sessions/{session_X}/events`: oldest first by default; `anchor_to_latest` gives the newest.
    func eventsPage(_ id: SessionID, _ query: EventsQuery) async throws -> Page {
        let path = Route.events(id, .v1)
        var items = [("limit", String(query.limit))]
        if let after = query.afterID { items.append(("after_id", after)) }
        if let before = query.beforeID { items.append(("before_id", before)) }
        if query.anchorToLatest { items.append(("anchor_to_latest", "true")) }
        return try Page(try await json(.GET, path, .v1, query: items), route: "GET \(path)")
    }

    /// `GET /v1/code/sessions/{cse_X}/events?sort_order=…&cursor=…&limit=…`. The cursor is an
    /// exclusive `sequence_num`; `limit` is 1...500.
    func envelopePage(_ id: SessionID, cursor: Int?, ascending: Bool, limit: Int) async throws -> EnvelopePage {
        var query = [("limit", String(min(500, max(1, limit)))), ("sort_order", ascending ? "asc" : "desc")]
        if let cursor { query.append(("cursor", String(cursor))) }
        let path = Route.events(id, .v2)
        let page = try EnvelopePage(try await json(.GET, path, .v2, query: query), route: "GET \(path)")
        if page.skipped > 0 {
            configuration.logger.warning("GET \(path): left out \(page.skipped) event(s) without a readable sequence_num")
        }
        return page
    }

    /// Every stored event after `sequence`, oldest first, following pages. Only strictly newer
    /// events are kept, so a misbehaving page can neither repeat an event nor loop.
    func envelopes(_ id: SessionID, after sequence: Int) async throws -> [EventEnvelope] {
        var envelopes: [EventEnvelope] = []
        var last = sequence
        for _ in 0..<1000 {
            let page = try await envelopePage(id, cursor: last, ascending: true, limit: 500)
            let fresh = page.envelopes.filter { $0.sequence > last }
            envelopes += fresh
            guard let newest = fresh.last else { break }
            last = newest.sequence
            guard page.hasMore else { break }
        }
        return envelopes
    }

    /// The newest `sequence_num` (0 for an empty session): one event, newest first.
    func latestSequence(_ id: SessionID) async throws -> Int {
        try await envelopePage(id, cursor: nil, ascending: false, limit: 1).envelopes.first?.sequence ?? 0
    }

    /// `GET /v1/code/sessions/{cse_X}/events/stream`, resuming after `sequence` when given (both as
    /// `from_sequence_num` and `Last-Event-ID`, as the observed web client does).
    func openEventStream(_ id: SessionID, after sequence: Int?) async throws -> HTTPClientResponse.Body {
        let query = sequence.map { [("from_sequence_num", String($0))] } ?? []
        let request = APIRequest(
            method: .GET, path: Route.eventStream(id), query: query, headerFamily: .sessions(.v2),
            timeout: min(15, configuration.requestTimeout))
        let org = try await resolveOrganization()
        return try await transport.openStream(
            request, organization: org.uuid, headers: sequence.map { [(Header.lastEventID, String($0))] } ?? [])
    }
}
