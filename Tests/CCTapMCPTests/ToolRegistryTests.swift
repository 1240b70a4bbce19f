import Foundation
import MCP
import Testing

@testable import CCTapMCP

/// The tool declarations: a snapshot so every schema change is a visible diff, and the rules every
/// tool must follow.
@Suite struct ToolRegistryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let snapshot = root.appendingPathComponent("Tests/CCTapMCPTests/Snapshots/tools.json")

    static func encodedTools() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(ToolRegistry.tools), as: UTF8.self) + "\n"
    }

    @Test func toolsListMatchesTheSnapshot() throws {
        let current = try Self.encodedTools()
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try current.write(to: Self.snapshot, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOf: Self.snapshot, encoding: .utf8)
        #expect(
            stored == current,
            "tools/list changed: review the diff, then run `UPDATE_SNAPSHOTS=1 swift test --filter toolsListMatchesTheSnapshot`")
    }

    @Test func everyToolIsFullyDescribed() {
        for tool in ToolRegistry.tools {
            #expect((tool.description ?? "").count > 60, "\(tool.name) needs a description that says when to use it")
            #expect(tool.title?.isEmpty == false, "\(tool.name) needs a title")
            #expect(tool.annotations.title == tool.title)
            #expect(tool.annotations.readOnlyHint != nil, "\(tool.name) must say whether it is read-only")
            #expect(tool.annotations.openWorldHint != nil)
            if tool.annotations.readOnlyHint == false {
                #expect(tool.annotations.destructiveHint != nil, "\(tool.name) must say whether it is destructive")
                #expect(tool.annotations.idempotentHint != nil, "\(tool.name) must say whether it is idempotent")
            }
            #expect(tool.inputSchema.objectValue?["additionalProperties"] == .bool(false), "\(tool.name) input must be strict")
            #expect(tool.outputSchema?.objectValue?["type"] == .string("object"), "\(tool.name) needs an outputSchema")
            // Some providers reject a whole tools/list with top-level combinators in an input schema.
            for key in ["anyOf", "oneOf", "allOf"] { #expect(tool.inputSchema.objectValue?[key] == nil) }
        }
    }

    @Test func publishedToolNamesComeFirst() {
        #expect(
            ToolRegistry.tools.prefix(6).map(\.name) == [
                "list_sessions", "get_session_info", "read_session", "get_session_events", "send_message", "send_and_wait",
            ])
    }

    @Test func readmeToolTableMatchesTheRegistry() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- tools:start -->\n"))
        let end = try #require(readme.range(of: "<!-- tools:end -->"))
        let table = String(readme[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            table == ToolRegistry.markdownTable(),
            "README's tool table is stale; replace it with the output of `cc-tap tools --markdown`")
    }
}
