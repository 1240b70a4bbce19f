/// The account's live sessions as the last list or watch frame showed them, keyed by bare id, and
/// what changed with each update. Pure: `AccountWatch` feeds it from the watch stream or from polls
/// of the list, and every waiter reads the same board.
package struct SessionBoard: Sendable, Equatable {
    package private(set) var sessions: [String: SessionSummary] = [:]
    /// Bumped whenever anything on the board changed.
    package private(set) var generation = 0

    package init() {}

    /// What an update did: whether anything changed, and whether sessions appeared or went.
    package struct Change: Sendable, Equatable {
        package var changed = false
        package var membership = false

        package init(changed: Bool = false, membership: Bool = false) {
            self.changed = changed
            self.membership = membership
        }
    }

    /// Replaces the board with a whole list (a poll, or the list read before a watch opens).
    /// Archived sessions are not live and stay off the board, as the watch leaves them out.
    @discardableResult
    package mutating func replace(with list: [SessionSummary]) -> Change {
        var next: [String: SessionSummary] = [:]
        for session in list where session.status != "archived" { next[Self.key(session.id)] = session }
        let change = Change(changed: next != sessions, membership: Set(next.keys) != Set(sessions.keys))
        sessions = next
        if change.changed { generation += 1 }
        return change
    }

    /// Applies one watch frame in either vocabulary (late-2026 §6): `added`/`changed` (web) and
    /// `upserted` (iOS) carry a whole session object, `removed` (web) and `deleted` (iOS) carry `{id}`.
    /// Other names (`sync`, keepalives, ones not known yet) change nothing.
    @discardableResult
    package mutating func apply(frame name: String, data: JSONValue) -> Change {
        switch name {
        case "added", "changed", "upserted":
            guard data["id"]?.stringValue != nil else { return Change() }
            let session = SessionSummary(data)
            let key = Self.key(session.id)
            if session.status == "archived" { return remove(key) }
            let isNew = sessions[key] == nil
            guard sessions[key] != session else { return Change() }
            sessions[key] = session
            generation += 1
            return Change(changed: true, membership: isNew)
        case "removed", "deleted":
            guard let id = data["id"]?.stringValue else { return Change() }
            return remove(Self.key(id))
        default:
            return Change()
        }
    }

    private mutating func remove(_ key: String) -> Change {
        guard sessions.removeValue(forKey: key) != nil else { return Change() }
        generation += 1
        return Change(changed: true, membership: true)
    }

    /// The sessions in `scope` (all when nil) that need their user on an occasion not in `seen`,
    /// most recent activity first.
    package func freshAttention(scope: Set<String>?, seen: Set<String>) -> [(session: SessionSummary, occasion: String)] {
        freshAttention(scope: scope, seen: AttentionResumeToken(seen))
    }

    package func freshAttention(scope: Set<String>?, seen: AttentionResumeToken) -> [(session: SessionSummary, occasion: String)] {
        sessions.filter { key, _ in scope?.contains(key) ?? true }.values
            .compactMap { session in AttentionReason.occasion(session).map { (session, $0) } }
            .filter { !seen.contains($0.1) }
            .sorted { ($0.0.lastEventAt ?? "", $0.0.id) > ($1.0.lastEventAt ?? "", $1.0.id) }
    }

    /// Every occasion of needing attention on the board now, in `scope`.
    package func occasions(scope: Set<String>?) -> Set<String> {
        Set(sessions.filter { key, _ in scope?.contains(key) ?? true }.values.compactMap(AttentionReason.occasion))
    }

    /// The board's key for an id in either spelling (`cse_X`, `session_X` or bare).
    package static func key(_ id: String) -> String { (try? SessionID(id))?.spelled(.v2) ?? id }
}
