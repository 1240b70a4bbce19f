#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Hummingbird

/// The 2026 Remote Control routes under `/v1/code/sessions` (PROTOCOL.md §3): the list
/// with `next_cursor` paging and `statuses`, one session, rename, archive, mark_read and sends wrapped
/// as `{session_id, events:[{payload}]}`. Both `cse_` and `session_` ids are accepted here, as S7 saw.
/// The event list, stream and presence routes live beside the v1 routes.
extension ServiceRoutes {
    func registerCodeSessions(on router: Router<EmulatorContext>) {
        router.get("/v1/code/sessions") { request, _ in try await listCodeSessions(request) }
        router.get("/v1/code/sessions/watch") { request, context in try await openAccountWatch(request, context) }
        router.get("/v1/code/sessions/:id") { _, context in
            let id = try await existingSession(context, allowInfra: true)
            let object = await store.v2Object(id, detailed: true)
            // Late 2026: the single read wraps the record; the list and writes answer it bare.
            return Reply.json(configuration.world == .late2026 ? ["response_shape": object] : object)
        }
        router.put("/v1/code/sessions/:id") { request, context in
            let id = try await existingSession(context, allowInfra: true)
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let title = JSON.parse(Data(body.readableBytesView))?["title"]?.stringValue else {
                throw APIFailure(400, "title: Field required")
            }
            await store.rename(id, title: title)
            return Reply.json(await store.v2Object(id, detailed: true))
        }
        router.post("/v1/code/sessions/:id/archive") { _, context in
            let id = try await existingSession(context, allowInfra: true)
            guard await store.archive(id) else { throw APIFailure(409, "Session is already archived") }
            return Reply.json(await store.v2Object(id, detailed: true))
        }
        router.post("/v1/code/sessions/:id/mark_read") { _, context in
            let id = try await existingSession(context, allowInfra: true)
            await store.markRead(id)
            return Reply.json([:])
        }
        router.post("/v1/code/sessions/:id/events") { request, context in
            let id = try await existingSession(context, allowInfra: true)
            let body = try await request.body.collect(upTo: 8 << 20)
            guard let json = JSON.parse(Data(body.readableBytesView)), let wrapped = json["events"]?.arrayValue,
                !wrapped.isEmpty
            else {
                throw APIFailure(400, "events: Field required (a non-empty list)")
            }
            // Emulator choice: a bare (v1-shaped) event is refused; the v2 body wraps each as {payload}.
            let events = try wrapped.enumerated().map { index, item in
                guard let payload = item["payload"], payload.objectValue != nil else {
                    throw APIFailure(400, "events.\(index).payload: Field required")
                }
                return payload
            }
            if let named = json["session_id"]?.stringValue, named.hasPrefix("cse_") || named.hasPrefix("session_"),
                named.split(separator: "_", maxSplits: 1).last != id.split(separator: "_", maxSplits: 1).last
            {
                throw APIFailure(400, "session_id does not match the path")
            }
            try await ingest(id, events, platform: request.headers[.clientPlatform])
            return Reply.json([:])
        }
    }

    /// `GET /v1/code/sessions?limit&cursor&statuses=…`: newest `last_event_at` first; `next_cursor`
    /// is absent on the last page; without `statuses` archived sessions are included.
    private func listCodeSessions(_ request: Request) async throws -> Response {
        let limit = try limit(request)
        let query = request.uri.queryParameters
        let known = ["active", "paused", "archived", "provision_failed"]
        let statuses = query[values: "statuses"].flatMap { $0.split(separator: ",").map(String.init) }
        if let unknown = statuses.first(where: { !known.contains($0) }) {
            throw APIFailure(400, "statuses: '\(unknown.prefix(40))' is not one of \(known.joined(separator: ", "))")
        }
        var after: (time: String, id: String)?
        if let cursor = query.get("cursor") {
            guard let key = ListCursor.decode(cursor) else { throw APIFailure(400, "cursor: invalid cursor") }
            after = key
        }
        let page = await store.codeSessionPage(limit: limit, after: after, statuses: Set(statuses))
        var body: [String: JSON] = [
            "data": .array(page.items), "resume_token": .string(await store.issueWatchToken()),
        ]
        if let next = page.next { body["next_cursor"] = .string(ListCursor.encode(next)) }
        return Reply.json(.object(body))
    }
}

extension EmulatorStore {
    func v2Object(_ id: String, detailed: Bool) -> JSON { sessions[id]?.v2Object(detailed: detailed, world: configuration.world) ?? [:] }

    func rename(_ id: String, title: String) {
        sessions[id]?.resource["title"] = .string(title)
        noteSessionChanged(id)
    }

    func markRead(_ id: String) {
        sessions[id]?.unread = false
        noteSessionChanged(id)
    }

    /// One page of the v2 list after `after` (exclusive), keeping the `statuses` asked for.
    func codeSessionPage(limit: Int, after: (time: String, id: String)?, statuses: Set<String>)
        -> (items: [JSON], next: (time: String, id: String)?)
    {
        let kept = orderedSessions().filter { session in
            if let after {
                let key = session.listKey
                guard key.time < after.time || (key.time == after.time && key.id < after.id) else { return false }
            }
            return statuses.isEmpty || statuses.contains(session.status == "archived" ? "archived" : "active")
        }
        let page = Array(kept.prefix(limit))
        return (page.map { $0.v2Object(detailed: false, world: configuration.world) }, kept.count > limit ? page.last?.listKey : nil)
    }
}
