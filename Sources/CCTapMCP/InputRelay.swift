import CCTapCore
import Foundation
import MCP

/// Asks the person at the MCP client (`elicitation/create`, form mode) for the answer to a dialog or
/// a form a remote session waits on, and answers the session with what they chose: never a model's
/// guess, since the client shows the form to its person. Used by the waits, only when the client
/// declared elicitation; without it they return `waiting_for_input` as before.
struct InputAsker: Sendable {
    /// The client's form: its person's action (`accept`, `decline`, `cancel`) and content.
    let ask: @Sendable (_ message: String, _ schema: Elicitation.RequestSchema) async throws -> CreateElicitation.Result

    /// A form for a request, or nil when a form cannot carry it (a kind cc-tap cannot answer, or an
    /// elicitation that sends its person to a URL).
    static func form(for input: WorkerRequest, session: String) -> (message: String, schema: Elicitation.RequestSchema)? {
        switch input.kind {
        case .elicitation:
            guard input.mode != "url" else { return nil }
            let schema = input.requestedSchema ?? ["type": "object", "properties": [:]]
            return (
                "Claude Code session \(session): \(input.serverName ?? "an MCP server") asks: \(input.message ?? "(no message)")",
                Elicitation.RequestSchema(
                    title: schema["title"]?.stringValue, description: schema["description"]?.stringValue,
                    properties: (schema["properties"]?.objectValue ?? [:]).mapValues(Self.value),
                    required: schema["required"]?.arrayValue?.compactMap(\.stringValue)))
        case .dialog:
            // The payload's shape is not known beyond the SDK's `Record<string, unknown>`: offer its
            // `options` as choices when it lists strings, else ask for the answer as text.
            let options = input.payload?["options"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let field: [String: Value] =
                options.isEmpty
                ? ["type": "string", "title": "Your answer"]
                : ["type": "string", "title": "Your choice", "enum": .array(options.map { .string($0) })]
            return (
                "Claude Code session \(session) shows a dialog. \(input.summary)",
                Elicitation.RequestSchema(properties: ["answer": .object(field)], required: ["answer"]))
        case .other:
            return nil
        }
    }

    /// The answer for the remote session from the person's action on the form.
    static func answer(for input: WorkerRequest, _ result: CreateElicitation.Result) -> (InputAction, JSONValue?) {
        let content = result.content.flatMap { try? JSONEncoder().encode($0) }.flatMap { JSONValue.parse($0) }
        switch (input.kind, result.action) {
        case (.dialog, .accept): return (.complete, content?["answer"])
        case (.dialog, _): return (.cancel, nil)
        case (_, .accept): return (.accept, content ?? [:])
        case (_, .decline): return (.decline, nil)
        case (_, .cancel): return (.cancel, nil)
        }
    }

    static func value(_ json: JSONValue) -> Value {
        (try? JSONDecoder().decode(Value.self, from: json.jsonData())) ?? .null
    }
}

enum InputRelay {
    /// At most this many requests are relayed in one call, so a session that keeps asking cannot hold
    /// the call forever.
    static let maxRelays = 5

    /// The person's answer, or nil when the client fails or `seconds` pass first (a form left open
    /// must not hold the call past the time its caller gave it).
    static func ask(
        _ asker: InputAsker, _ form: (message: String, schema: Elicitation.RequestSchema), within seconds: Double
    ) async -> CreateElicitation.Result? {
        let (answers, answer) = AsyncStream.makeStream(of: CreateElicitation.Result?.self)
        let asking = Task {
            answer.yield(try? await asker.ask(form.message, form.schema))
            answer.finish()
        }
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
            answer.yield(nil)
            answer.finish()
        }
        var first: CreateElicitation.Result?? = nil
        for await chosen in answers {
            first = chosen
            break
        }
        asking.cancel()
        timer.cancel()
        return first ?? nil
    }

    /// While `result` waits for input the client's person can give, asks them, answers the session,
    /// and waits on from the result's cursor for what remains of `seconds`.
    static func relay(_ result: WaitResult, call: ToolCall, seconds: Double, started: Date) async throws -> WaitResult {
        guard let asker = call.asker else { return result }
        var result = result
        var told: [String] = []
        for _ in 0..<maxRelays {
            let left = seconds - Date().timeIntervalSince(started)
            guard result.status == .waitingForInput, left > 1, let input = result.pendingInputs.first,
                let form = InputAsker.form(for: input, session: result.sessionID)
            else { break }
            // The message is sent: whatever becomes of the form, the result (with its cursor) goes back.
            guard let chosen = await ask(asker, form, within: left) else {
                result.hint += " The person did not answer the form shown through this client within the call's time "
                    + "(or the client could not show it); answer the request with respond_to_input."
                break
            }
            let (action, value) = InputAsker.answer(for: input, chosen)
            let answered: InputResponseResult
            do {
                answered = try await call.tap.respondToInput(result.sessionID, requestID: input.requestID, action: action, value: value)
            } catch let error as TapError {
                result.hint += " The person's answer through this client was not sent: \(error.message)"
                return result
            }
            told.append("\(action.rawValue) to \(input.subtype) \(input.requestID) (\(answered.status.rawValue))")
            let rest = max(0, seconds - Date().timeIntervalSince(started))
            result = try await ProgressSink.reporting(call.progress) { progress in
                try await call.tap.waitForReply(result.sessionID, cursor: result.cursor, timeout: rest, progress: progress)
            }
        }
        if !told.isEmpty {
            result.hint = "The person answered through this client: \(told.joined(separator: "; ")). " + result.hint
        }
        return result
    }
}
