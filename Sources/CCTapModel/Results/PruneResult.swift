#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Which sessions a prune archives: active ones, not on a turn, whose last activity is older than the
/// age given (and, when asked, whose machine is disconnected). Pure, on an injected `now`, so the rule
/// is tested apart from the list it reads.
public struct PruneRule: Sendable, Equatable {
    public var olderThanDays: Double
    public var offlineOnly: Bool

    public init(olderThanDays: Double, offlineOnly: Bool) {
        self.olderThanDays = olderThanDays
        self.offlineOnly = offlineOnly
    }

    /// Why a session stays, or nil when it goes.
    public enum Kept: String, Codable, Sendable {
        case archived, running, recent, online, undated
    }

    /// The session's last activity, from the newest of the times it carries.
    package static func lastActivity(_ session: SessionSummary) -> Date? {
        [session.lastEventAt, session.updatedAt, session.createdAt].compactMap { $0.flatMap(parse) }.max()
    }

    package func verdict(_ session: SessionSummary, now: Date) -> Kept? {
        if session.status == "archived" { return .archived }
        if session.isTurnRunning { return .running }
        guard let last = Self.lastActivity(session) else { return .undated }
        if now.timeIntervalSince(last) < olderThanDays * 86_400 { return .recent }
        if offlineOnly && session.connectionStatus != "disconnected" { return .online }
        return nil
    }

    /// ISO 8601 with or without fractional seconds, as the service writes its times.
    package static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}

/// One session a prune archived, would archive, or failed to archive.
public struct PrunedSession: Codable, Sendable, Equatable {
    public var id: String
    public var title: String?
    public var lastActivity: String?
    public var connectionStatus: String
    /// `would_archive` (a dry run), `archived`, `already_archived`, or `failed` (see `detail`).
    public var outcome: String
    public var detail: String?

    package init(id: String, title: String?, lastActivity: String?, connectionStatus: String, outcome: String, detail: String? = nil) {
        self.id = id
        self.title = title
        self.lastActivity = lastActivity
        self.connectionStatus = connectionStatus
        self.outcome = outcome
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id, title, outcome, detail
        case lastActivity = "last_activity"
        case connectionStatus = "connection_status"
    }
}

/// The answer of `pruneSessions`.
public struct PruneResult: Codable, Sendable, Equatable {
    public var dryRun: Bool
    public var olderThanDays: Double
    public var offlineOnly: Bool
    /// The stale sessions, each with what happened to it.
    public var sessions: [PrunedSession]
    public var archived: Int
    public var failed: Int
    /// How many sessions stayed, by why (`running`, `recent`, `online`, `undated`, `archived`; and
    /// `not_listed`: named in `only` but no longer in the active list).
    public var kept: [String: Int]
    /// False when the list could not be read to its end: sessions on the unread pages were not judged.
    public var complete: Bool
    public var note: String

    package init(
        dryRun: Bool, olderThanDays: Double, offlineOnly: Bool, sessions: [PrunedSession], kept: [String: Int], complete: Bool,
        note: String
    ) {
        self.dryRun = dryRun
        self.olderThanDays = olderThanDays
        self.offlineOnly = offlineOnly
        self.sessions = sessions
        archived = sessions.filter { $0.outcome == "archived" || $0.outcome == "already_archived" }.count
        failed = sessions.filter { $0.outcome == "failed" }.count
        self.kept = kept
        self.complete = complete
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case sessions, archived, failed, kept, complete, note
        case dryRun = "dry_run"
        case olderThanDays = "older_than_days"
        case offlineOnly = "offline_only"
    }
}
