import ArgumentParser
import CCTapCore
import CCTapEmulator
import CCTapMCP
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap demo`: a guided tour, through the MCP server, against the embedded emulator. No account
/// needed: everything runs in this process on loopback.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tour cc-tap's MCP tools against a built-in emulator of the API (offline, no login needed).")

    @Option(help: "Seconds between the emulated worker's events (slower is easier to follow).")
    var step = 0.2

    @Flag(help: "Log requests to stderr.")
    var verbose = false

    func run() async throws {
        var emulatorConfiguration = EmulatorConfiguration()
        emulatorConfiguration.workerStepSeconds = step
        let emulator = Emulator(configuration: emulatorConfiguration)
        let port = try await emulator.start()
        // The same configuration path as real use, with the emulator's login.
        let host = HostEnvironment(
            variables: [
                "CCTAP_BASE_URL": "http://127.0.0.1:\(port)",
                "CCTAP_ACCESS_TOKEN": EmulatorConfiguration.defaultToken,
                "CCR_ORG_UUID": emulatorConfiguration.organizationUUID,
                "CCTAP_POLL_INTERVAL": "0.2",
            ], homeDirectory: FileManager.default.temporaryDirectory.path)
        var configuration = try TapConfiguration.fromEnvironment(host)
        configuration.logger = Output.logger(verbose: verbose)
        let logger = configuration.logger

        // An MCP client and the cc-tap MCP server, connected in memory.
        let client = LoopbackClient(tap: Tap(configuration: configuration), logger: logger)
        _ = await client.request(
            "initialize", ["protocolVersion": "2025-11-25", "capabilities": [:], "clientInfo": ["name": "cc-tap-demo", "version": .string(CCTap.version)]])

        func heading(_ number: Int, _ text: String) {
            Output.print("\n━━ \(number). \(text)\n")
        }
        func call(_ name: String, _ arguments: [String: JSONValue]) async throws -> JSONValue {
            Output.print("→ \(name) \(Self.describe(arguments))\n")
            let answer = await client.request("tools/call", ["name": .string(name), "arguments": .object(arguments)])
            guard let result = answer["result"] else {
                Output.error("cc-tap demo: \(answer["error"]?["message"]?.stringValue ?? "no answer")")
                throw ExitCode(1)
            }
            for block in result["content"]?.arrayValue ?? [] { Output.print(block["text"]?.stringValue ?? "") }
            if result["isError"]?.boolValue == true { throw ExitCode(1) }
            return result
        }

        do {
            Output.print("cc-tap \(CCTap.version) demo: an MCP client talks to the cc-tap MCP server, which talks to an")
            Output.print("emulated Remote Control API on http://127.0.0.1:\(port). A Claude agent would make these same calls.")

            heading(1, "The tools a Claude client sees")
            let tools = await client.request("tools/list", [:])["result"]?["tools"]?.arrayValue ?? []
            Output.print(tools.map { "  \($0["name"]?.stringValue ?? ""): \($0["title"]?.stringValue ?? "")" }.joined(separator: "\n"))

            heading(2, "Every session on the account, across all pages")
            _ = try await call("list_sessions", ["status_filter": "active"])

            heading(3, "The newest entries of one conversation")
            _ = try await call("read_session", ["session_id": .string(Seed.demo), "last_n": 10])

            heading(4, "Send a message and wait for the reply")
            _ = try await call(
                "send_and_wait",
                ["session_id": .string(Seed.demo), "message": "Hello from the cc-tap demo! What did you change?", "timeout": 30])

            heading(5, "A turn that needs permission, answered through MCP")
            let asked = try await call("send_and_wait", ["session_id": .string(Seed.demo), "message": "run git status", "timeout": 30])
            guard let structured = asked["structuredContent"]?.objectValue,
                structured["status"]?.stringValue == "waiting_for_permission",
                let cursor = structured["cursor"]?.stringValue,
                let requestID = structured["pending_permissions"]?.arrayValue?.first?.objectValue?["request_id"]?.stringValue
            else {
                Output.error("cc-tap demo: expected a permission prompt")
                throw ExitCode(1)
            }
            Output.print("")
            _ = try await call(
                "respond_to_permission",
                ["session_id": .string(Seed.demo), "request_id": .string(requestID), "decision": "allow"])
            Output.print("")
            _ = try await call("wait_for_reply", ["session_id": .string(Seed.demo), "cursor": .string(cursor), "timeout": 30])

            heading(6, "The conversation now")
            _ = try await call("read_session", ["session_id": .string(Seed.demo), "last_n": 8])
            Output.print("\nDone. To use it from Claude, see README.md (Claude Desktop and Claude Code set-up).")
        } catch {
            if let error = error as? TapError { Output.error("cc-tap demo: \(error.message(.cli))") }
            await shutdown(client: client, emulator: emulator)
            throw ExitCode(1)
        }
        await shutdown(client: client, emulator: emulator)
    }

    private func shutdown(client: LoopbackClient, emulator: Emulator) async {
        await client.close()
        await emulator.stop()
    }

    static func describe(_ arguments: [String: JSONValue]) -> String {
        let parts = arguments.keys.sorted().map { key -> String in
            switch arguments[key]! {
            case .string(let text): return "\(key)=\"\(text)\""
            case .int(let value): return "\(key)=\(value)"
            case let other: return "\(key)=\(other)"
            }
        }
        return parts.joined(separator: " ")
    }
}
