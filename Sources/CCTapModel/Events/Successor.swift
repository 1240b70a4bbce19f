/// Which live session most likely took over from an archived one (late-2026 §4). Since Claude Code
/// 2.1.224, Remote Control archives its server session after compaction or `/resume` and starts a new
/// one. No public source shows a link between the two: `relations` is empty in every sample, and the
/// iOS app's session type has no such field. What is known is that the CLI gives the new session the
/// old one's title. So a successor is only ever likely, never certain: a live session of the same
/// title (and environment, where both name one), created since the old one was, the newest of them.
package enum Successor {
    package static func likely(of archived: SessionSummary, among sessions: [SessionSummary]) -> SessionSummary? {
        guard let title = archived.title, !title.isEmpty else { return nil }
        let oldKey = SessionBoard.key(archived.id)
        return sessions.filter { candidate in
            SessionBoard.key(candidate.id) != oldKey && candidate.status != "archived" && candidate.title == title
                && (archived.environmentID == nil || candidate.environmentID == nil
                    || candidate.environmentID == archived.environmentID)
                && (candidate.createdAt ?? "") >= (archived.createdAt ?? "")
        }.max { ($0.createdAt ?? "") < ($1.createdAt ?? "") }
    }

    /// The sentence a wait or a send gives about an archived session.
    package static func sentence(for archived: String, likely: SessionSummary?, nothingSent: Bool = false) -> String {
        let base =
            "Session \(archived) is archived; it will not answer\(nothingSent ? ", so nothing was sent" : ""). Remote "
            + "Control archives a session and starts a new one after /compact or /resume."
        guard let likely else { return base + " No live session of the same title was found: list the sessions to find it." }
        return base + " The likely successor is \(likely.id) (the same title, created \(likely.createdAt ?? "since")); "
            + "no link between the two is published, so check it is the one before sending there."
    }
}
