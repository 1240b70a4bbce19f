import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// A tool as data: what `tools/list` shows, and what a call does.
struct ToolDefinition: Sendable {
    let tool: Tool
    let run: @Sendable (ToolCall) async throws -> ToolResult
}

/// A tool's answer as `tools/call` returns it: the readable text, the structured result (the core's
/// JSON, encoded once), and whether it is an error result.
struct ToolResult: Sendable {
    var text: String
    var structured: JSONValue?
    var isError = false

    var json: JSONValue {
        var result: [String: JSONValue] = ["content": [["type": "text", "text": .string(text)]]]
        if let structured { result["structuredContent"] = structured }
        if isError { result["isError"] = true }
        return .object(result)
    }
}

/// What a tool's code gets: its checked arguments, the core, and a progress sink when the client
/// asked for progress.
struct ToolCall: Sendable {
    let arguments: ToolArguments
    let tap: Tap
    let progress: ProgressSink?
    /// The client's person, through its forms, when the client declared elicitation.
    var asker: InputAsker? = nil
}

/// All tools, in a fixed order: the published cc-tap's six first (same names and arguments), then ours.
public enum ToolRegistry {
    static let definitions: [ToolDefinition] =
        SessionTools.definitions + ConversationTools.definitions + AttentionTools.definitions
        + SteeringTools.definitions

    /// The tools as `tools/list` returns them.
    public static var tools: [Tool] { definitions.map(\.tool) }

    /// The tools as JSON, encoded once (the declarations never change while the server runs).
    static let toolsJSON: JSONValue = .preEncoded(ResultJSON.encode(tools))

    /// Runs a `tools/call`. Failures inside a tool are `isError` results that say what to do; an
    /// unknown tool is a JSON-RPC error. Cancellation propagates so no response is sent.
    static func call(
        name: String, arguments given: JSONValue?, tap: Tap, progress: ProgressSink?, asker: InputAsker? = nil, logger: Logger
    ) async throws(RPCError) -> ToolResult {
        guard let definition = definitions.first(where: { $0.tool.name == name }) else {
            throw .invalidParams(
                "Unknown tool: \(name.prefix(100)). Available: \(definitions.map(\.tool.name).joined(separator: ", ")).")
        }
        do {
            return try await run(definition, given, tap: tap, progress: progress, asker: asker, logger: logger)
        } catch is CancellationError {
            throw RPCError(code: -32800, message: "Request cancelled")
        } catch {
            throw .internal("\(name) failed unexpectedly: \(String(describing: error).prefix(300))")
        }
    }

    private static func run(
        _ definition: ToolDefinition, _ given: JSONValue?, tap: Tap, progress: ProgressSink?, asker: InputAsker?, logger: Logger
    ) async throws -> ToolResult {
        let params = (name: definition.tool.name, arguments: given?.objectValue)
        let allowed = Set(definition.tool.inputSchema.objectValue?["properties"]?.objectValue?.keys.map { $0 } ?? [])
        do {
            let arguments = try ToolArguments(tool: params.name, values: params.arguments, allowed: allowed)
            return try await definition.run(ToolCall(arguments: arguments, tap: tap, progress: progress, asker: asker))
        } catch let invalid as ToolArguments.Invalid {
            return failure("Invalid arguments for \(params.name): \(invalid.message)")
        } catch let error as TapError {
            if case .cancelled = error { throw CancellationError() }
            logger.debug("\(params.name) failed: \(error.kind)")
            return failure(error.message(.mcp))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("\(params.name) failed unexpectedly: \(error)")
            return failure("\(params.name) failed unexpectedly: \(String(describing: error).prefix(300))")
        }
    }

    /// A successful result: the structured result (the core's JSON) and its readable rendering,
    /// both with the result's next step in the tools' words.
    static func result<T: Encodable>(_ value: T, render: (T) -> String) throws -> ToolResult {
        let value = Wording.mcp.apply(value)
        // Encoded once: the core's JSON goes into the frame as it is, never decoded into a value again.
        return ToolResult(text: render(value), structured: .preEncoded(ResultJSON.encode(value)))
    }

    static func failure(_ message: String) -> ToolResult {
        ToolResult(text: message, isError: true)
    }

    /// The README's tool table, generated from the registry (a test keeps the README in step).
    public static func markdownTable() -> String {
        var lines = ["| tool | what it does | arguments | hints |", "|---|---|---|---|"]
        for tool in tools {
            let schema = tool.inputSchema.objectValue ?? [:]
            let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let arguments = (schema["properties"]?.objectValue ?? [:]).keys.sorted { a, b in
                required.contains(a) != required.contains(b) ? required.contains(a) : a < b
            }.map { required.contains($0) ? "`\($0)`" : "`\($0)`?" }.joined(separator: ", ")
            var hints: [String] = []
            if tool.annotations.readOnlyHint == true { hints.append("read-only") }
            if tool.annotations.readOnlyHint == false && tool.annotations.destructiveHint == false { hints.append("writes") }
            if tool.annotations.destructiveHint == true { hints.append("destructive") }
            if tool.annotations.idempotentHint == true { hints.append("idempotent") }
            lines.append(
                "| `\(tool.name)` | \(firstSentence(tool.description ?? "")) | \(arguments.isEmpty ? "none" : arguments) | "
                    + "\(hints.joined(separator: ", ")) |")
        }
        return lines.joined(separator: "\n")
    }

    /// A description's whole first sentence: up to the first full stop that ends a sentence (one
    /// followed by a space or the end) outside parentheses, so "(e.g. …)" is never cut.
    static func firstSentence(_ text: String) -> String {
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            switch text[index] {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case "." where depth == 0 && (next == text.endIndex || text[next].isWhitespace):
                return String(text[..<next])
            default: break
            }
            index = next
        }
        return text
    }
}
