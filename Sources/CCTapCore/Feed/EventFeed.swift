/// A position in a session's event list and the reads that move it forward.
///
/// Each read asks only for what came after the cursor (`after_id`), so the cost of a wait does not
/// grow with the session's length. Issue 5 adds a streaming source behind the same interface.
struct EventFeed: Sendable {
    let api: RemoteAPI
    let session: SessionID
    /// The id of the last event seen; nil means the start of the session.
    private(set) var position: String?
    private(set) var pagesRead = 0

    init(api: RemoteAPI, session: SessionID, cursor: EventCursor) {
        self.api = api
        self.session = session
        self.position = cursor.eventID
    }

    var cursor: EventCursor { EventCursor(eventID: position) }

    /// Everything new since the cursor, oldest first; moves the cursor past it.
    mutating func readNew() async throws -> [JSONValue] {
        var events: [JSONValue] = []
        for _ in 0..<1000 {
            let page = try await api.eventsPage(session, EventsQuery(limit: api.configuration.pageSize, afterID: position))
            pagesRead += 1
            events += page.data
            if let last = page.lastID { position = last }
            guard page.hasMore, page.lastID != nil, !page.data.isEmpty else { break }
        }
        return events
    }

    /// The cursor at the newest event now (one small read).
    static func latest(api: RemoteAPI, session: SessionID) async throws -> EventCursor {
        let page = try await api.eventsPage(session, EventsQuery(limit: 1, anchorToLatest: true))
        return EventCursor(eventID: page.lastID)
    }
}

/// Where a wait resumes: after a given event, or from the start of an empty session.
/// Its text form is the event id, or `start`.
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    public var eventID: String?

    public init(eventID: String?) {
        self.eventID = eventID
    }

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 512, !trimmed.contains(where: { $0.isNewline }) else {
            throw TapError.invalidArgument(
                "'\(text.prefix(60))' is not a cursor: pass the `cursor` field of a send or wait result.")
        }
        eventID = trimmed == "start" ? nil : trimmed
    }

    public var description: String { eventID ?? "start" }
}

import Foundation
