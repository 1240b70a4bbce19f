@testable import CCTapModel
import Testing

/// Raw events to readable entries (`TranscriptBuilder`): what each event becomes, what is skipped,
/// and how long texts are cut.
@Suite struct TranscriptBuilderTests {
    typealias Event = JSONValue

    static func kinds(_ events: [Event]) -> [TranscriptEntry.Kind] { TranscriptBuilder.entries(from: events).map(\.kind) }
    static func texts(_ events: [Event]) -> [String] { TranscriptBuilder.entries(from: events).map(\.text) }

    @Test func eachEventBecomesItsEntries() {
        let events: [Event] = [
            ["type": "user", "uuid": "u1", "message": ["role": "user", "content": "Run the tests"], "created_at": "2026-12-01T10:00:00Z"],
            ["type": "assistant", "message": ["id": "m1", "content": [
                ["type": "thinking", "thinking": "hidden"],
                ["type": "text", "text": "Running them."],
                ["type": "tool_use", "id": "toolu_1", "name": "Bash", "input": ["command": "swift test", "timeout": 60]],
            ]]],
            ["type": "control_request", "request_id": "req_1", "request": ["subtype": "can_use_tool", "tool_name": "Bash", "input": ["command": "swift test"]]],
            ["type": "user", "message": ["content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": "All 12 passed", "is_error": false]]]],
            ["type": "result", "subtype": "success", "is_error": false, "result": "ok"],
            ["type": "prompt_suggestion", "suggestion": "Commit the change", "uuid": "s1"],
        ]
        let entries = TranscriptBuilder.entries(from: events)
        #expect(entries.map(\.kind) == [.user, .assistant, .toolUse, .permissionRequest, .toolResult, .turnResult, .promptSuggestion])
        #expect(entries.map(\.text) == [
            "Run the tests", "Running them.", "Bash: swift test", "Asks to use Bash: swift test (request_id req_1)", "All 12 passed",
            "Turn complete", "Commit the change",
        ])
        #expect(entries[0].createdAt == "2026-12-01T10:00:00Z")
        #expect(entries[2].toolUseID == "toolu_1" && entries[2].toolName == "Bash" && entries[4].toolUseID == "toolu_1")
    }

    @Test func streamedCopiesOfOneMessageCollapseToTheLast() {
        let copy = { (text: String) -> Event in ["type": "assistant", "message": ["id": "m1", "content": [["type": "text", "text": .string(text)]]]] }
        #expect(Self.texts([copy("Hel"), copy("Hello"), copy("Hello there")]) == ["Hello there"])
    }

    @Test func anErrorResultSaysWhy() {
        let entries = TranscriptBuilder.entries(from: [["type": "result", "subtype": "error_during_execution", "is_error": true, "result": "Tool crashed"]])
        #expect(entries.map(\.text) == ["Turn ended with an error (error_during_execution): Tool crashed"])
        #expect(entries.first?.isError == true)
        // Without a result text, the first of `errors`.
        #expect(Self.texts([["type": "result", "subtype": "error_max_turns", "errors": ["Too many turns"]]])
            == ["Turn ended with an error (error_max_turns): Too many turns"])
    }

    @Test func whatIsNotConversationIsSkipped() {
        let skipped: [Event] = [
            ["type": "system", "subtype": "init", "model": "m"],
            ["type": "stream_event", "event": [:]],
            ["type": "control_request", "request_id": "c1", "request": ["subtype": "set_model"]],
            ["type": "control_response", "response": ["request_id": "req_1"]],
            ["type": "brand_new_type", "text": "unknown"],
            ["type": "prompt_suggestion", "suggestion": "   "],
            ["type": "user", "message": ["content": 42]],
            .string("not an object"),
        ]
        #expect(Self.kinds(skipped).isEmpty)
    }

    @Test func userBlocksJoinTextAndNameImages() {
        let event: Event = ["type": "user", "message": ["content": [["type": "text", "text": "Look at this"], ["type": "image", "source": [:]], ["type": "text", "text": "and fix it"]]]]
        #expect(Self.texts([event]) == ["Look at this\n[image]\nand fix it"])
        #expect(TranscriptBuilder.isPrompt(event))
        let toolResultOnly: Event = ["type": "user", "message": ["content": [["type": "tool_result", "tool_use_id": "t", "content": [["type": "text", "text": "out"]]]]]]
        #expect(!TranscriptBuilder.isPrompt(toolResultOnly))
        #expect(Self.texts([toolResultOnly]) == ["out"])
    }

    @Test func longTextIsCutToOneLineWithItsLength() {
        let long = String(repeating: "a", count: 400) + "\nsecond line"
        let cut = TranscriptBuilder.summary(long)
        #expect(cut.hasPrefix(String(repeating: "a", count: TranscriptBuilder.summaryLimit)))
        #expect(cut.hasSuffix("… (\(long.count) chars)") && !cut.contains("\n"))
        #expect(TranscriptBuilder.summary("one\ntwo") == "one ⏎ two")
    }

    @Test func toolInputsAreSummarisedByTheirTellingField() {
        #expect(TranscriptBuilder.inputSummary(["command": "ls -la", "description": "list"]) == "ls -la")
        #expect(TranscriptBuilder.inputSummary(["file_path": "/tmp/a.swift", "content": "…"]) == "/tmp/a.swift")
        #expect(TranscriptBuilder.inputSummary(["unusual": 1]) == #"{"unusual":1}"#)
    }
}
