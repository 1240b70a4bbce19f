import CCTapCore

/// A JSON-RPC error to answer a request with: code, message, and `data` when the error has more to say
/// (the 2026-07-28 revision's −32022 names the versions).
struct RPCError: Error, Sendable {
    let code: Int
    let message: String
    var data: JSONValue? = nil

    static func methodNotFound(_ method: String, era: MCPEra) -> RPCError {
        RPCError(code: -32601, message: "Method not found: \(method.prefix(100))" + (era == .modern ? " (not part of 2026-07-28)." : "."))
    }

    static func invalidParams(_ message: String) -> RPCError { RPCError(code: -32602, message: "Invalid params: \(message)") }

    static func `internal`(_ message: String) -> RPCError { RPCError(code: -32603, message: message) }

    var json: JSONValue {
        var error: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { error["data"] = data }
        return .object(error)
    }
}

/// The frames this server writes, each one JSON object (the transport adds the newline).
enum RPCFrame {
    static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    static func error(id: JSONValue, _ error: RPCError) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": error.json]
    }

    static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": params]
    }

    static func request(id: Int, _ method: String, _ params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": params]
    }
}
