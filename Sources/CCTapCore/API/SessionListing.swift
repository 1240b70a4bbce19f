import CCTapModel

extension RemoteAPI {
    /// Every session of the account with one of `statuses` (v2's lifecycle filter; empty for all),
    /// following pages until the service says there are no more, and the watch's resume token from
    /// the first page (v2 only).
    func allSessions(statuses: [String]) async throws
        -> (sessions: [SessionSummary], pages: Int, note: String?, resumeToken: String?, dialect: Dialect)
    {
        let size = configuration.pageSize
        let (first, dialect) = try await speaking(.list) { dialect in
            try await self.sessionsPage(dialect, limit: size, after: nil, statuses: dialect == .v2 ? statuses : [])
        }
        var all = first.items.map(SessionSummary.init)
        var seenIDs = Set(all.map(\.id))
        var pages = 1
        var next = first.next
        var seenCursors = Set<String>()
        var pageParameter = "cursor"
        var note: String?
        while let cursor = next, pages < 1000 {
            guard seenCursors.insert(cursor).inserted else {
                note = "The service handed back a page cursor it had given before; listing stopped there."
                break
            }
            let page: SessionPage
            do {
                page = try await self.sessionsPage(
                    dialect, limit: size, after: cursor, statuses: dialect == .v2 ? statuses : [], pageParameter: pageParameter)
            } catch let error as TapError where Self.refusesParameter(error) {
                if dialect == .v2 && pageParameter == "cursor" {
                    // S7 saw `cursor`; RC-API passes `page`. Try the other name once before giving up.
                    pageParameter = "page"
                    seenCursors.remove(cursor)
                    continue
                }
                note = "The service refused the next page (\(error.message)); this is the first \(pages) page(s) only."
                break
            }
            let fresh = page.items.map(SessionSummary.init).filter { seenIDs.insert($0.id).inserted }
            if fresh.isEmpty && !page.items.isEmpty {
                note = "The service answered the next page with sessions already listed (it ignores `\(pageParameter)`); "
                    + "this is the first \(pages) page(s) only."
                break
            }
            all += fresh
            pages += 1
            next = page.next
        }
        if let note { configuration.logger.info("session list is partial: \(note)") }
        return (all, pages, note, first.resumeToken, dialect)
    }

    /// A page request the service turned down for its parameters (not for the login or the load).
    private static func refusesParameter(_ error: TapError) -> Bool {
        guard case .api(let details) = error else { return false }
        return details.status == 400 || details.status == 422
    }

}
