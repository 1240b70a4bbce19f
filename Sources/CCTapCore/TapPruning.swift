import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Tap {
    /// Archives the active sessions whose last activity is older than `olderThanDays` and that are not
    /// on a turn (and, with `offlineOnly`, whose machine is disconnected), over every page of the list.
    /// A dry run (the default) names exactly what would go and archives nothing. `only` (the ids a dry
    /// run named, in either spelling) limits a run to those, so a run archives no session its person
    /// did not see listed; each is judged again, and one no longer stale stays. Archiving is what the
    /// apps' archive does: the session leaves the list, its history stays.
    public func pruneSessions(
        olderThanDays: Double, offlineOnly: Bool = false, dryRun: Bool = true, only: [String]? = nil, now: Date = Date()
    ) async throws -> PruneResult {
        guard olderThanDays.isFinite, olderThanDays >= 1, olderThanDays <= 3650 else {
            throw TapError.invalidArgument("older_than_days must be between 1 and 3650 (got \(olderThanDays)).")
        }
        let rule = PruneRule(olderThanDays: olderThanDays, offlineOnly: offlineOnly)
        let chosen = try only.map { ids in Set(try ids.map { try SessionID($0) }) }
        let listed = try await api.allSessions(statuses: ["active"])
        var kept: [String: Int] = [:]
        var pruned: [PrunedSession] = []
        var unseen = chosen ?? []
        for session in listed.sessions {
            if let chosen {
                guard let id = try? SessionID(session.id), chosen.contains(id) else { continue }
                unseen.remove(id)
            }
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
            note = "A dry run: \(pruned.count) session(s) would be archived; nothing was changed."
        } else {
            let failed = pruned.filter { $0.outcome == "failed" }.count
            note = "Archived \(pruned.count - failed) session(s)" + (failed > 0 ? "; \(failed) failed (see detail) and can be tried again." : ".")
        }
        if !unseen.isEmpty {
            kept["not_listed"] = unseen.count
            note += " \(unseen.count) of the sessions named are no longer in the active list (archived or gone)."
        }
        if let partial = listed.note { note += " The list was not read to its end: " + partial }
        return PruneResult(
            dryRun: dryRun, olderThanDays: olderThanDays, offlineOnly: offlineOnly, sessions: pruned, kept: kept,
            complete: listed.note == nil, note: note)
    }
}
