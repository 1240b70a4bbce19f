import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Tap {
    /// Archives the active sessions whose last activity is older than `olderThanDays` and that are not
    /// on a turn (and, with `offlineOnly`, whose machine is disconnected), over every page of the list.
    /// A dry run (the default) names exactly what would go and archives nothing. Archiving is what the
    /// apps' archive does: the session leaves the list, its history stays.
    public func pruneSessions(olderThanDays: Double, offlineOnly: Bool = false, dryRun: Bool = true, now: Date = Date())
        async throws -> PruneResult
    {
        guard olderThanDays.isFinite, olderThanDays >= 1, olderThanDays <= 3650 else {
            throw TapError.invalidArgument("older_than_days must be between 1 and 3650 (got \(olderThanDays)).")
        }
        let rule = PruneRule(olderThanDays: olderThanDays, offlineOnly: offlineOnly)
        let listed = try await api.allSessions(statuses: ["active"])
        var kept: [String: Int] = [:]
        var pruned: [PrunedSession] = []
        for session in listed.sessions {
            if let reason = rule.verdict(session, now: now) {
                kept[reason.rawValue, default: 0] += 1
                continue
            }
            let last = PruneRule.lastActivity(session).map { $0.formatted(.iso8601) }
            var entry = PrunedSession(
                id: session.id, title: session.title, lastActivity: last, connectionStatus: session.connectionStatus,
                outcome: "would_archive")
            if !dryRun {
                do {
                    let id = try SessionID(session.id)
                    let api = api
                    let (archivedNow, _) = try await api.speaking(.session) { try await api.archive(id, $0) }
                    entry.outcome = archivedNow ? "archived" : "already_archived"
                } catch let error as TapError {
                    entry.outcome = "failed"
                    entry.detail = error.message
                }
            }
            pruned.append(entry)
        }
        let days = olderThanDays.rounded() == olderThanDays ? String(Int(olderThanDays)) : String(olderThanDays)
        var note: String
        if pruned.isEmpty {
            note = "No active session idle for over \(days) day(s)\(offlineOnly ? " with its machine disconnected" : ""); nothing to archive."
        } else if dryRun {
            note = "A dry run: \(pruned.count) session(s) would be archived; nothing was changed. Run again with dry_run false to archive them."
        } else {
            let failed = pruned.filter { $0.outcome == "failed" }.count
            note = "Archived \(pruned.count - failed) session(s)" + (failed > 0 ? "; \(failed) failed (see detail) and can be tried again." : ".")
        }
        if let partial = listed.note { note += " The list was not read to its end: " + partial }
        return PruneResult(
            dryRun: dryRun, olderThanDays: olderThanDays, offlineOnly: offlineOnly, sessions: pruned, kept: kept,
            complete: listed.note == nil, note: note)
    }
}
