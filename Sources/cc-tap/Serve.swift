import ArgumentParser
import CCTapCore
import CCTapMCP
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// `cc-tap` / `cc-tap serve`: the MCP server on stdin/stdout, for Claude Desktop and Claude Code.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP on stdin/stdout (the default when no command is given).",
        discussion: """
            Logs go to stderr only (level from CCTAP_LOG: debug, info, warning, error); stdout carries MCP frames. \
            With --channel, cc-tap is also a Claude Code channel: start Claude Code with \
            `--dangerously-load-development-channels server:<name>` and each session that begins to need you \
            appears in it as a <channel> message.
            """)

    @Flag(help: "Run as a Claude Code channel: push a message into Claude Code when a session needs you.")
    var channel = false

    @Option(name: .customLong("channel-session"), help: "With --channel: a session to watch (repeat; none: every live session).")
    var channelSessions: [String] = []

    @Option(
        help: ArgumentHelp(
            "Serve Streamable HTTP on [HOST:]PORT instead of stdio (host 127.0.0.1 unless given; POST /mcp, a bearer token "
                + "required: CCTAP_HTTP_TOKEN, or one kept in a 0600 file whose path is printed).",
            valueName: "[HOST:]PORT"))
    var http: String?

    @Flag(help: "With --http: allow a host that is not loopback. Anyone who can reach it and has the token controls your sessions.")
    var allowRemote = false

    @Option(
        help: ArgumentHelp(
            "Who writes the messages the tools send: agent (default: the calling model's words, sent as another session's) "
                + "or person (sent as the user's own typing; only for a client whose every message is typed by its person).",
            valueName: "agent|person"))
    var sender = "agent"

    /// The sender asked for; an empty value or an extension's unfilled `${user_config.sender}` is the default.
    var chosenSender: String {
        sender.isEmpty || HostEnvironment.isUnfilledPlaceholder(sender) ? "agent" : sender
    }

    func validate() throws {
        guard MessageSender(rawValue: chosenSender) != nil else {
            throw ValidationError("--sender must be agent or person (got '\(sender)').")
        }
        if let http {
            let (host, port) = try Self.address(http)
            if !allowRemote && !["127.0.0.1", "localhost", "::1"].contains(host) {
                throw ValidationError(
                    "--http \(http) listens beyond this machine: anyone who reaches it with the token can read and steer your "
                        + "sessions. Add --allow-remote if that is what you mean.")
            }
            _ = port
            if channel { throw ValidationError("--channel works over stdio only (Claude Code reads channels from the process it starts).") }
        }
    }

    func run() async throws {
        var logger = Logger(label: "cc-tap") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = TapConfiguration.logLevel() ?? .warning
        // A refused setting, like a missing login, becomes an error on each tool call: a Claude
        // client shows a server that died at start-up only as gone.
        // CCTAP_SENDER is for the command line and the library: the server reads only --sender.
        var host = HostEnvironment.current
        host.variables["CCTAP_SENDER"] = nil
        var configuration = TapConfiguration.fromEnvironmentForServing(host)
        if let refusal = configuration.refusal { logger.error("\(refusal.message)") }
        configuration.logger = logger
        // Only this flag makes the server speak as the person: a model's words are an agent's, whatever
        // the environment says (CCTAP_SENDER is for the command line and the library).
        configuration.sender = MessageSender(rawValue: chosenSender) ?? .agent
        let tap = Tap(configuration: configuration)
        if let http {
            let (host, port) = try Self.address(http)
            let token = try HTTPToken.current(logger: logger)
            let shown = host.contains(":") ? "[\(host)]" : host
            try await HTTPServer.run(
                tap: tap, logger: logger, options: .init(host: host, port: port, token: token.value, allowRemote: allowRemote)
            ) { bound in
                Output.error(
                    "cc-tap: MCP over Streamable HTTP at http://\(shown):\(bound)/mcp (token: \(token.source)).\n"
                        + "Add it to Claude Code: claude mcp add --transport http cc-tap http://\(shown):\(bound)/mcp "
                        + "--header \"Authorization: Bearer $(cat \(token.file ?? "<your token file>"))\"")
            }
            return
        }
        try await CCTapMCPServer.runStdio(
            tap: tap, logger: logger, channel: channel ? .on(sessions: channelSessions) : .off)
    }

    /// `[HOST:]PORT`, host 127.0.0.1 unless given (`[::1]:8080` for IPv6).
    static func address(_ text: String) throws -> (host: String, port: Int) {
        var host = "127.0.0.1"
        var portText = text
        if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon].filter { $0 != "[" && $0 != "]" })
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else {
            throw ValidationError("--http takes [HOST:]PORT, e.g. 8765 or 127.0.0.1:8765 (got '\(text)').")
        }
        return (host, port)
    }
}

/// The bearer token the HTTP server requires: `CCTAP_HTTP_TOKEN`, or one made on first start and kept
/// in a file only its owner can read, so a client can be configured once.
enum HTTPToken {
    struct Token {
        let value: String
        let source: String
        let file: String?
    }

    static func current(logger: Logger) throws -> Token {
        if let given = ProcessInfo.processInfo.environment["CCTAP_HTTP_TOKEN"], !given.isEmpty {
            guard given.count >= 16 else { throw ValidationError("CCTAP_HTTP_TOKEN must be at least 16 characters.") }
            return Token(value: given, source: "CCTAP_HTTP_TOKEN", file: nil)
        }
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        let folder = base.appendingPathComponent("cc-tap")
        let file = folder.appendingPathComponent("http-token")
        if let stored = try? String(contentsOf: file, encoding: .utf8).trimmed,
            stored.count >= 16
        {
            return Token(value: stored, source: "from \(file.path)", file: file.path)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let token = bytes.map { $0.hexPadded(2) }.joined()
        guard FileManager.default.createFile(atPath: file.path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw ValidationError("could not write the HTTP token to \(file.path)") }
        return Token(value: token, source: "new, kept in \(file.path)", file: file.path)
    }
}
