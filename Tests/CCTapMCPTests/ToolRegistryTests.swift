import Foundation
import Testing

@testable import CCTapMCP

/// The tool declarations: a snapshot so every schema change is a visible diff, and the rules every
/// tool must follow.
@Suite struct ToolRegistryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// One snapshot file per tool (`Snapshots/tools/<name>.json`), as github-mcp-server keeps its
    /// `__toolsnaps__`, so a change shows as a diff of the tool it touches.
    static let snapshots = root.appendingPathComponent("Tests/CCTapMCPTests/Snapshots/tools")

    static func encoded(_ tool: Tool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(tool), as: UTF8.self) + "\n"
    }

    @Test(arguments: ToolRegistry.tools.map(\.name))
    func toolMatchesItsSnapshot(name: String) throws {
        let tool = try #require(ToolRegistry.tools.first { $0.name == name })
        let current = try Self.encoded(tool)
        let file = Self.snapshots.appendingPathComponent("\(name).json")
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.snapshots, withIntermediateDirectories: true)
            try current.write(to: file, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOf: file, encoding: .utf8)
        #expect(
            stored == current,
            "\(name) changed: review the diff, then run `UPDATE_SNAPSHOTS=1 swift test --filter toolMatchesItsSnapshot`")
    }

    @Test func noSnapshotOutlivesItsTool() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.snapshots.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(ToolRegistry.tools.map { "\($0.name).json" }))
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

    /// The table gives each tool's whole first sentence: never one cut inside a parenthesis ("(e.").
    @Test func theTableGivesWholeFirstSentences() {
        #expect(ToolRegistry.firstSentence("Switch models (e.g. opus or sonnet). Then wait.") == "Switch models (e.g. opus or sonnet).")
        #expect(ToolRegistry.firstSentence("Version 2.1 is read. Then more.") == "Version 2.1 is read.")
        #expect(ToolRegistry.firstSentence("No full stop at all") == "No full stop at all")
        for tool in ToolRegistry.tools {
            let sentence = ToolRegistry.firstSentence(tool.description ?? "")
            #expect(sentence.hasSuffix("."), "\(tool.name)")
            #expect(sentence.filter { $0 == "(" }.count == sentence.filter { $0 == ")" }.count, "\(tool.name): \(sentence)")
        }
    }
}
