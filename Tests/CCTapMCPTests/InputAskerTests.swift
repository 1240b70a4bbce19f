import Foundation
import Testing

@testable import CCTapCore
@testable import CCTapModel
@testable import CCTapMCP

/// How a remote dialog or form becomes an MCP client's form, and the person's action an answer.
@Suite struct InputAskerTests {
    static func request(_ fields: JSONValue) -> WorkerRequest {
        WorkerRequest(event: ["type": "control_request", "request_id": "r1", "request": fields])!
    }

    @Test func aDialogOffersItsOptionsOrAsksForText() throws {
        let offered = try #require(InputAsker.form(
            for: Self.request(["subtype": "request_user_dialog", "dialog_kind": "confirm", "payload": ["options": ["Yes", "No"]]]),
            session: "cse_1"))
        #expect(offered.schema["properties"]?["answer"]?["enum"] == .array(["Yes", "No"]))
        #expect(offered.schema["required"] == ["answer"])
        let free = try #require(InputAsker.form(
            for: Self.request(["subtype": "request_user_dialog", "dialog_kind": "pick", "payload": ["x": 1]]), session: "cse_1"))
        #expect(free.schema["properties"]?["answer"]?["enum"] == nil)
        #expect(free.message.contains("pick"))
    }

    @Test func aFormKeepsItsSchemaAndURLModeOrUnknownKindsAreNotAsked() throws {
        let form = try #require(InputAsker.form(
            for: Self.request([
                "subtype": "elicitation", "mcp_server_name": "deploy", "message": "Where?", "mode": "form",
                "requested_schema": ["type": "object", "properties": ["env": ["type": "string"]], "required": ["env"]],
            ]), session: "cse_1"))
        #expect(form.message.contains("deploy asks: Where?"))
        #expect(form.schema["properties"]?["env"] == ["type": "string"])
        #expect(form.schema["required"] == ["env"])
        #expect(InputAsker.form(for: Self.request(["subtype": "elicitation", "mode": "url", "url": "https://x"]), session: "s") == nil)
        #expect(InputAsker.form(for: Self.request(["subtype": "side_question"]), session: "s") == nil)
    }

    @Test func thePersonsActionBecomesTheAnswer() {
        let dialog = Self.request(["subtype": "request_user_dialog", "dialog_kind": "confirm", "payload": [:]])
        let picked = InputAsker.answer(for: dialog, InputAsker.Answer(action: .accept, content: ["answer": "Yes"]))
        #expect(picked.0 == .complete && picked.1 == "Yes")
        #expect(InputAsker.answer(for: dialog, InputAsker.Answer(action: .decline)).0 == .cancel)
        let form = Self.request(["subtype": "elicitation", "message": "?"])
        let accepted = InputAsker.answer(for: form, InputAsker.Answer(action: .accept, content: ["env": "prod"]))
        #expect(accepted.0 == .accept && accepted.1 == ["env": "prod"])
        #expect(InputAsker.answer(for: form, InputAsker.Answer(action: .decline)).0 == .decline)
        #expect(InputAsker.answer(for: form, InputAsker.Answer(action: .cancel)).0 == .cancel)
    }

    @Test func onlyAClientThatShowsFormsIsAsked() {
        #expect(MCPConnection.showsForms(nil) == false)
        #expect(MCPConnection.showsForms(["roots": [:]]) == false)
        #expect(MCPConnection.showsForms(["elicitation": ["form": [:]]]))
        // An empty `elicitation` object means forms (2025-11-25); a client that only opens URLs is not asked.
        #expect(MCPConnection.showsForms(["elicitation": [:]]))
        #expect(MCPConnection.showsForms(["elicitation": ["url": [:]]]) == false)
    }
}
