#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /v1/code/sessions/{cse_X}/events/stream`: the per-session server-sent-event stream, as the
/// reference describes it. On open: an unnamed keepalive and a `session_update` carrying only
/// `connection_status`; then every stored event after the position (`from_sequence_num`, or the
/// `Last-Event-ID` header) as a `client_event` frame whose `id:` is its `sequence_num`; then new
/// events as they are stored, with a keepalive every `streamKeepaliveSeconds`. A position older
/// than the replay window is answered 410.
extension ServiceRoutes {
    func openEventStream(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let id = try await existingSession(context, allowInfra: true)
        let position = try Self.streamPosition(request)
        let fault = await store.takeFault(method: "GET", path: request.uri.path, accept: { $0.isStreamBodyFault })
        let (items, continuation) = AsyncStream<EmulatorStore.StreamItem>.makeStream()
        let opened: (id: UUID, replay: [JSON], connection: String)
        do {
            opened = try await store.openStream(id, after: position, continuation: continuation)
        } catch {
            throw APIFailure(410, "The requested position is no longer available; restart the stream without a position.")
        }
        let keepalive = configuration.streamKeepaliveSeconds
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(0.01, keepalive) * 1_000_000_000))
                continuation.yield(.keepalive)
            }
        }
        let store = store
        let body = ResponseBody { writer in
            defer { ticker.cancel() }
            var sent = 0
            do {
                try await writer.write(Self.frame(name: nil, id: nil, data: "{}"))
                try await writer.write(Self.frame(name: "session_update", id: nil, data: JSON.object(["connection_status": .string(opened.connection)]).jsonText()))
                for envelope in opened.replay {
                    try await Self.send(envelope, &writer, fault: fault, sent: &sent)
                }
                var stalledSince: Date?
                for await item in items {
                    if let fault, fault.kind == .streamStall, sent >= (fault.frames ?? 0) {
                        // Silent: nothing is written, so a client only notices through its own watchdog.
                        // The stall ends (the connection drops) after `seconds`, 40 by default.
                        let since = stalledSince ?? Date()
                        stalledSince = since
                        if Date().timeIntervalSince(since) >= (fault.seconds ?? 40) { throw StreamDropped() }
                        continue
                    }
                    switch item {
                    case .event where fault?.kind == .keepaliveOnly && sent >= (fault?.frames ?? 0):
                        continue  // withheld: only keepalives go out
                    case .event(let envelope):
                        try await Self.send(envelope, &writer, fault: fault, sent: &sent)
                    case .keepalive:
                        try await writer.write(Self.frame(name: nil, id: nil, data: "{}"))
                    case .ephemeral(let body):
                        try await writer.write(Self.frame(name: "ephemeral_event", id: nil, data: body.jsonText()))
                    case .positionOnly(let sequence):
                        try await writer.write(Self.frame(name: "client_event", id: String(sequence), data: ""))
                    case .sessionUpdate(let body):
                        try await writer.write(Self.frame(name: "session_update", id: nil, data: body.jsonText()))
                    }
                }
                try await writer.finish(nil)
            } catch {
                await store.closeStream(id, opened.id)
                throw error
            }
            await store.closeStream(id, opened.id)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// `GET /v1/code/sessions/{id}/events`: the v2 history, by `sequence_num`. `limit` 1...500
    /// (default 50), `sort_order` asc or desc (default desc), an exclusive `cursor`; answers
    /// `{data, next_cursor?, resume_cursor}` with `next_cursor` present exactly when more events lie
    /// in that direction.
    func listEnvelopes(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let id = try await existingSession(context, allowInfra: true)
        let query = request.uri.queryParameters
        var limit = 50
        if let text = query.get("limit") {
            guard let value = Int(text), (1...500).contains(value) else {
                throw APIFailure(400, "limit: Input should be between 1 and 500")
            }
            limit = value
        }
        let order = query.get("sort_order") ?? "desc"
        guard order == "asc" || order == "desc" else { throw APIFailure(400, "sort_order: Input should be 'asc' or 'desc'") }
        var cursor: Int?
        if let text = query.get("cursor") {
            guard let value = Int(text), value >= 0 else { throw APIFailure(400, "cursor must be a sequence number") }
            cursor = value
        }
        let (data, more) = await store.envelopePage(id, limit: limit, ascending: order == "asc", cursor: cursor)
        let last = data.last?["sequence_num"] ?? cursor.map { .string(String($0)) } ?? .null
        var body: [String: JSON] = ["data": .array(data), "resume_cursor": last]
        if more { body["next_cursor"] = last }
        return Reply.json(.object(body))
    }

    struct StreamDropped: Error {}

    private static func send(
        _ envelope: JSON, _ writer: inout any ResponseBodyWriter, fault: FaultRule?, sent: inout Int
    ) async throws {
        if let fault, sent >= (fault.frames ?? 0) {
            if fault.kind == .streamDrop {
                // Let the frames already written reach the client first: a drop loses the
                // connection, not what was sent before it.
                try? await Task.sleep(nanoseconds: 50_000_000)
                throw StreamDropped()
            }
            if fault.kind == .streamStall || fault.kind == .keepaliveOnly { return }  // the live loop goes on
            let whole = frame(name: "client_event", id: envelope["sequence_num"]?.stringValue, data: envelope.jsonText())
            if fault.kind == .truncatedBody {
                try await writer.write(whole.getSlice(at: whole.readerIndex, length: whole.readableBytes / 2) ?? whole)
                try? await Task.sleep(nanoseconds: 50_000_000)
                throw StreamDropped()
            }
            if fault.kind == .malformedJSON, sent == (fault.frames ?? 0) {
                // The event goes out mangled, once; the stream carries on.
                let text = envelope.jsonText()
                try await writer.write(
                    frame(name: "client_event", id: envelope["sequence_num"]?.stringValue, data: String(text.prefix(text.count / 2))))
                sent += 1
                return
            }
        }
        try await writer.write(
            frame(name: "client_event", id: envelope["sequence_num"]?.stringValue, data: envelope.jsonText()))
        sent += 1
    }

    static func frame(name: String?, id: String?, data: String) -> ByteBuffer {
        var text = ""
        if let name { text += "event: \(name)\n" }
        if let id { text += "id: \(id)\n" }
        text += "data: \(data)\n\n"
        return ByteBuffer(string: text)
    }

    /// The position to resume after: `from_sequence_num`, else `Last-Event-ID`; nil (new events
    /// only) without either. (Emulator choice: the reference says only that a client with no
    /// position omits both, and that after a 410 it "restarts from nothing".)
    static func streamPosition(_ request: Request) throws -> Int? {
        let text = request.uri.queryParameters.get("from_sequence_num") ?? request.headers[HTTPField.Name("last-event-id")!]
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw APIFailure(400, "from_sequence_num must be a non-negative integer")
        }
        return value
    }
}
