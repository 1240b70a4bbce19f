import CCTapModel

/// A position in a session's events and the reads that move it forward.
///
/// Each read asks only for what came after the cursor (v1 `after_id`, or the v2 list's exclusive
/// `cursor` by sequence number), so the cost of a read does not grow with the session's length.
struct EventFeed: Sendable {
    let api: RemoteAPI
    let session: SessionID
    private(set) var position: EventCursor.Position

    init(api: RemoteAPI, session: SessionID, cursor: EventCursor) {
        self.api = api
        self.session = session
        self.position = cursor.resolved(api)
    }

    var cursor: EventCursor { EventCursor(position) }

    /// Everything new since the cursor, oldest first; moves the cursor past it.
    mutating func readNew() async throws -> [JSONValue] {
        switch position {
        case .sequence(let after):
            let envelopes = try await api.envelopes(session, after: after)
            if let last = envelopes.last { position = .sequence(last.sequence) }
            return envelopes.map(\.payload)
        case .start, .eventID:
            return try await readV1()
        }
    }

    private mutating func readV1() async throws -> [JSONValue] {
        var events: [JSONValue] = []
        var after = cursor.eventID
        for _ in 0..<1000 {
            let page = try await api.eventsPage(session, EventsQuery(limit: api.configuration.pageSize, afterID: after))
            events += page.data
            if let last = page.lastID {
                after = last
                position = .eventID(last)
            }
            guard page.hasMore, page.lastID != nil, !page.data.isEmpty else { break }
        }
        return events
    }

    /// The cursor at the newest event now (one small read), in the numbering of the dialect that
    /// serves the session's history.
    static func latest(api: RemoteAPI, session: SessionID) async throws -> EventCursor {
        try await api.speaking(.history) { dialect in
            switch dialect {
            case .v2:
                return EventCursor(.sequence(try await api.latestSequence(session)))
            case .v1:
                let page = try await api.eventsPage(session, EventsQuery(limit: 1, anchorToLatest: true))
                return EventCursor(page.lastID.map { .eventID($0) } ?? .start)
            }
        }.value
    }
}

extension EventCursor {
    /// `start` read in the numbering of the dialect that serves history now (`seq:0` for v2).
    func resolved(_ api: RemoteAPI) -> Position {
        if position == .start && api.dialects.current(.history) == .v2 { return .sequence(0) }
        return position
    }
}
