import CCTapModel

/// What the diagnostics (`cc-tap doctor`, `cc-tap probe`) ask the service: reads only, each sent once
/// exactly as the seam would send it, with the answer handed back rather than thrown.
extension RemoteAPI {
    /// The session list's first page (`limit` 1 unless `query` says otherwise), with `query` added and
    /// `headers` changed (a nil value removes a header).
    func probeList(
        _ dialect: Dialect, query: [(String, String)] = [("limit", "1")], headers: [(name: String, value: String?)] = []
    ) async -> ProbeAnswer {
        await probe(.GET, Route.sessions(dialect), dialect, query: query, headerOverrides: headers)
    }

    /// The page names the v2 list's cursor may go by: `cursor` (confirmed), `page` (RC-API's reference).
    static let listPageParameters = ["cursor", "page"]

    /// The v2 list's second page of one session, asking for it under `parameter`.
    func probeListPage(parameter: String, cursor: String) async -> ProbeAnswer {
        await probeList(.v2, query: [("limit", "1"), (parameter, cursor)])
    }

    /// The v2 list filtered to archived sessions.
    func probeArchivedList() async -> ProbeAnswer {
        await probeList(.v2, query: [("limit", "5"), ("statuses", "archived")])
    }

    /// A v2 list answer's `next_cursor`, when it has one.
    static func nextCursor(in json: JSONValue) -> String? {
        json["next_cursor"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A v2 list answer's `resume_token` for the account watch.
    static func resumeToken(in json: JSONValue) -> String? {
        json["resume_token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// One session's record, as the service answers it (wrapped or not: the probe reports which).
    func probeSession(_ id: SessionID, _ dialect: Dialect) async -> ProbeAnswer {
        await probe(.GET, Route.session(id, dialect), dialect)
    }

    /// The newest event of a session, in `dialect`'s way of asking for it.
    func probeHistory(_ id: SessionID, _ dialect: Dialect) async -> ProbeAnswer {
        let query = dialect == .v2 ? [("limit", "1"), ("sort_order", "desc")] : [("limit", "1"), ("anchor_to_latest", "true")]
        return await probe(.GET, Route.events(id, dialect), dialect, query: query)
    }

    /// The header variations `cc-tap probe` tries on the v2 list, to learn which the service requires.
    static let headerVariants: [(label: String, headers: [(name: String, value: String?)])] = [
        ("as cc-tap sends them", []),
        ("without \(Header.clientPlatform)", [(Header.clientPlatform, nil)]),
        ("without \(Header.organization)", [(Header.organization, nil)]),
        ("with \(Header.beta): \(Header.compatBeta)", [(Header.beta, Header.compatBeta)]),
        ("with \(Header.accept): application/json", [(Header.accept, "application/json")]),
        ("with \(Header.clientPlatform): \(personPlatform)", [(Header.clientPlatform, personPlatform)]),
    ]
}
