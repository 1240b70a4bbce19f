import CCTapCore
import Foundation
import Testing

@testable import CCTapMCP

/// The frame rules, row by row, without a process (Tests/e2e/test_jsonrpc_rules.py drives the same
/// rules through `cc-tap serve` over real stdio).
@Suite struct JSONRPCGateTests {
    static let initialize =
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#

    /// The error code and id a frame is answered with; nil when it is forwarded or dropped.
    func answer(_ frame: String, initialized: Bool = true) -> (code: Int64, id: JSONValue)? {
        var gate = JSONRPCGate()
        if initialized { _ = gate.admit(Data(Self.initialize.utf8)) }
        guard case .answer(let data) = gate.admit(Data(frame.utf8)), let json = JSONValue.parse(data) else { return nil }
        guard let code = json["error"]?["code"]?.intValue, let id = json["id"] else { return nil }
        return (code, id)
    }

    @Test(arguments: [
        ("{not json", -32700, JSONValue.null),
        ("[1,2]", -32600, .null),
        (#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#, -32600, .int(3)),
        (#"{"id":3,"method":"ping"}"#, -32600, .int(3)),
        (#"{"jsonrpc":"2.0","id":"x","method":5}"#, -32600, .string("x")),
        (#"{"jsonrpc":"2.0","method":5}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":18446744073709551616,"method":"ping"}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":4,"method":"tools/list","params":5}"#, -32602, .int(4)),
        (#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"arguments":{}}}"#, -32602, .int(5)),
        (#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"x","arguments":[1]}}"#, -32602, .int(6)),
        (#"{"jsonrpc":"2.0","id":7,"method":"resources/read","params":{}}"#, -32602, .int(7)),
        (#"{"jsonrpc":"2.0","id":8}"#, -32600, .int(8)),
    ])
    func aFrameThatBreaksTheRulesIsAnsweredHere(frame: String, code: Int, id: JSONValue) {
        let answered = answer(frame)
        #expect(answered?.code == Int64(code), "\(frame)")
        #expect(answered?.id == id, "\(frame)")
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":"s","method":"ping"}"#,
        #"{"jsonrpc":"2.0","id":-7,"method":"tools/list"}"#,
        #"{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/list","params":{}}"#,
        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_sessions"}}"#,
        #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        #"{"jsonrpc":"2.0","id":3,"result":{}}"#,
    ])
    func aGoodFrameIsHandedOn(frame: String) {
        var gate = JSONRPCGate()
        _ = gate.admit(Data(Self.initialize.utf8))
        #expect(gate.admit(Data(frame.utf8)) == .forward, "\(frame)")
    }

    @Test func anInvalidNotificationIsNeverAnswered() {
        var gate = JSONRPCGate()
        _ = gate.admit(Data(Self.initialize.utf8))
        guard case .drop = gate.admit(Data(#"{"jsonrpc":"2.0","method":"notifications/x","params":5}"#.utf8)) else {
            Issue.record("an invalid notification must be dropped")
            return
        }
    }

    @Test func nothingButPingIsServedBeforeInitialize() {
        #expect(answer(#"{"jsonrpc":"2.0","id":4,"method":"tools/list"}"#, initialized: false)?.code == -32600)
        var gate = JSONRPCGate()
        #expect(gate.admit(Data(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8)) == .forward)
        #expect(gate.admit(Data(#"{"jsonrpc":"2.0","id":2,"method":"server/discover","params":{}}"#.utf8)) == .forward)
        // A 2026-07-28 request carries its version and needs no initialize.
        let modern = #"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#
        #expect(gate.admit(Data(modern.utf8)) == .forward)
        #expect(gate.admit(Data(Self.initialize.utf8)) == .forward)
        #expect(gate.admit(Data(#"{"jsonrpc":"2.0","id":4,"method":"tools/list"}"#.utf8)) == .forward)
    }
}
