import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Checks every frame a client sends against JSON-RPC 2.0 and MCP's framing rules before anything
/// acts on it, and answers the ones that break them itself.
///
/// It began as a guard in front of swift-sdk 0.12.1, which answered a parse error with a random id
/// (which clients drop), took `"jsonrpc":"1.0"` for a parse error, gave −32603 for parameters of the
/// wrong type, ignored ids it could not represent and served requests before `initialize` (measured;
/// issue 21). The rules live here, as a pure value, so they hold whatever dispatches the frames:
/// - not JSON: −32700 with `"id": null`;
/// - not a request, notification or response object, `jsonrpc` other than `"2.0"`, a method that is
///   not a string, an id that is not a string or an integer (`null`, a fraction, past 2^63, an
///   object, an array, a boolean): −32600, never executed, with the id when it is a valid one;
/// - `params` that is not an object, and the known methods' required members missing or of the
///   wrong type (`tools/call` without a string `name`): −32602;
/// - on a legacy connection, a request before `initialize` (other than `ping`): −32600;
/// - a notification that breaks a rule is dropped (nothing may answer a notification).
/// A request of the 2026-07-28 era carries its version in `_meta` and needs no `initialize`.
struct JSONRPCGate {
    enum Verdict: Equatable {
        /// Hand the frame on, unchanged.
        case forward
        /// Answer with this frame (an error response) and do not hand the frame on.
        case answer(Data)
        /// Neither: an invalid notification.
        case drop(reason: String)
    }

    private(set) var initialized = false

    /// `initialized`: true where no handshake is kept (HTTP, where each request stands alone).
    init(initialized: Bool = false) { self.initialized = initialized }

    static let modernVersionKey = "io.modelcontextprotocol/protocolVersion"

    /// Methods a client may send before `initialize` on a legacy connection.
    static let beforeInitialize: Set<String> = ["initialize", "ping", "server/discover"]

    mutating func admit(_ line: Data) -> Verdict {
        guard let frame = JSONValue.parse(line) else {
            return .answer(Self.error(id: .null, code: -32700, "Parse error: the frame is not JSON."))
        }
        guard case .object(let members) = frame else {
            return .answer(Self.error(id: .null, code: -32600, "Invalid Request: a frame must be one JSON object (batches are not supported)."))
        }
        let hasID = members.keys.contains("id")
        let id = members["id"].flatMap(Self.validID)
        // A notification (no id) is never answered; an id of the wrong type is answered with null.
        func invalid(_ code: Int, _ message: String) -> Verdict {
            hasID ? .answer(Self.error(id: id ?? .null, code: code, message)) : .drop(reason: message)
        }
        if hasID, id == nil {
            return .answer(Self.error(id: .null, code: -32600, "Invalid Request: an id must be a string or an integer."))
        }
        guard members["jsonrpc"] == .string("2.0") else {
            return hasID || members["method"] != nil
                ? .answer(Self.error(id: id ?? .null, code: -32600, "Invalid Request: \"jsonrpc\" must be \"2.0\"."))
                : .drop(reason: "a frame without \"jsonrpc\": \"2.0\"")
        }
        guard let methodValue = members["method"] else {
            // A response to a request of ours (the client answering the server): needs an id.
            if hasID, members["result"] != nil || members["error"] != nil { return .forward }
            return .answer(Self.error(id: id ?? .null, code: -32600, "Invalid Request: no method."))
        }
        guard case .string(let method) = methodValue else {
            return .answer(Self.error(id: id ?? .null, code: -32600, "Invalid Request: \"method\" must be a string."))
        }
        let params = members["params"]
        if let params, params.objectValue == nil {
            return invalid(-32602, "Invalid params: \"params\" must be an object.")
        }
        if let problem = Self.paramsProblem(method, params) { return invalid(-32602, "Invalid params: \(problem)") }
        guard hasID else { return .forward }
        let modern = params?["_meta"]?[Self.modernVersionKey] != nil
        if !initialized && !modern && !Self.beforeInitialize.contains(method) {
            return .answer(Self.error(
                id: id ?? .null, code: -32600, "Invalid Request: the connection is not initialized; send initialize first."))
        }
        if method == "initialize" { initialized = true }
        return .forward
    }

    /// A string, or an integer that fits 64 bits (a fraction or a larger number is parsed as a double).
    static func validID(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .string, .int: return value
        default: return nil
        }
    }

    /// What the known methods require of their params, beyond being an object.
    static func paramsProblem(_ method: String, _ params: JSONValue?) -> String? {
        func needsString(_ name: String) -> String? {
            params?[name]?.stringValue == nil ? "\(method) needs a string \"\(name)\"." : nil
        }
        switch method {
        case "tools/call":
            if let problem = needsString("name") { return problem }
            if let arguments = params?["arguments"], arguments != .null, arguments.objectValue == nil {
                return "tools/call \"arguments\" must be an object."
            }
            return nil
        case "resources/read", "resources/subscribe", "resources/unsubscribe":
            return needsString("uri")
        case "prompts/get":
            return needsString("name")
        case "initialize":
            return needsString("protocolVersion")
        default:
            return nil
        }
    }

    /// An error response frame (without its newline).
    static func error(id: JSONValue, code: Int, _ message: String) -> Data {
        let frame: JSONValue = [
            "jsonrpc": "2.0", "id": id, "error": ["code": .int(Int64(code)), "message": .string(message)],
        ]
        return Data(frame.jsonText().utf8)
    }
}
