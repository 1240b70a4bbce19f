@testable import CCTapModel
import Foundation
import Testing

/// The core states facts and next steps; each surface words the steps with its own names.
@Suite struct WordingTests {
    /// A wording whose names cannot be mistaken for any surface's.
    let test = Wording(
        wait: "call WAIT", withCursor: "from", answerPermission: "call ANSWER", answerInput: "call INPUT", listSessions: "call LIST",
        readSession: "call READ", waitForAttention: "call ATTEND with the token")

    /// Every operation name of the MCP server, the C library and the CLI.
    static let surfaceNames = [
        "list_sessions", "get_session_info", "read_session", "get_session_events", "send_message", "send_and_wait",
        "wait_for_reply", "respond_to_permission", "respond_to_input", "interrupt_session", "cctap_", "cc-tap wait", "cc-tap respond",
        "cc-tap sessions", "cc-tap read", "wait_for_attention", "cc-tap attention",
    ]

    static func namesNoSurface(_ text: String) -> Bool {
        !surfaceNames.contains { text.contains($0) }
    }

    @Test func eachStepIsASentenceInTheSurfacesWords() {
        #expect(test.sentence(for: .waitAgain(cursor: "seq:9")) == "Call WAIT from seq:9 to keep waiting.")
        #expect(test.sentence(for: .answerPermission(cursor: "seq:9")) == "Call ANSWER, then call WAIT from seq:9.")
        #expect(test.sentence(for: .personAnswers(cursor: "seq:9")).hasSuffix(", call WAIT from seq:9."))
        #expect(test.sentence(for: .followTurn) == "Call WAIT to follow the turn.")
        #expect(test.sentence(for: .findSession) == "Call LIST for valid session ids.")
        #expect(test.sentence(for: .readBeforeResending).hasPrefix("Call READ before sending it again"))
        #expect(test.sentence(for: .watchAgain(resumeToken: "att1.00")) == "Call ATTEND with the token to keep watching.")
        let attend = test.sentence(for: .attendThenWatch(resumeToken: "att1.00"))
        #expect(attend.contains("(call ANSWER)") && attend.contains("call ATTEND with the token"))
    }

    @Test func errorsStateFactsAndTheSurfaceAddsTheStep() throws {
        var errors: [(TapError, NextStep)] = [
            (.api(APIErrorDetails(status: 404, type: "not_found_error", message: "no such session", route: "GET /s")), .findSession),
            (.sendOutcomeUnknown(uuid: "u1", detail: "the connection dropped"), .readBeforeResending),
            (.waitFailedAfterSend(uuid: "u1", cursor: "seq:4", cause: .network("reset")), .waitAgain(cursor: "seq:4")),
        ]
        do {
            _ = try SessionID("not an id!")
            Issue.record("a bad id was accepted")
        } catch {
            errors.append((error, .findSession))
        }
        for (error, step) in errors {
            #expect(error.nextStep == step, "\(error)")
            #expect(Self.namesNoSurface(error.message), "\(error.message)")
            #expect(error.message(test) == error.message + " " + test.sentence(for: step))
        }
        let plain = TapError.network("connection refused")
        #expect(plain.nextStep == nil)
        #expect(plain.message(test) == plain.message)
    }

    @Test func resultsCarryTheirStepUntilASurfaceWordsIt() {
        let waited = WaitResult(
            status: .timeout, sessionID: "cse_1", messageUUID: nil, reply: "", pendingPermissions: [], pendingInputs: [],
            result: nil, cursor: "seq:3", elapsedSeconds: 1, eventsRead: 0, eventSource: .poll,
            hint: "The turn is still running.", next: .waitAgain(cursor: "seq:3"))
        #expect(!ResultJSON.encode(waited).contains("WAIT"))
        let worded = test.apply(waited)
        #expect(worded.hint == "The turn is still running. Call WAIT from seq:3 to keep waiting.")
        #expect(worded.next == nil)
        #expect(ResultJSON.encode(worded).contains("Call WAIT from seq:3"))
        // Worded once: applying again adds nothing.
        #expect(test.apply(worded) == worded)
        // A result without a step is left as it is.
        let sent = SendResult(sessionID: "cse_1", uuid: "u", cursor: "seq:1", attempts: 1, confirmedFromEvents: false)
        #expect(test.apply(sent) == sent)
    }

    /// A surface of commands (the CLI) gets whole commands with the step's values filled in, so
    /// they paste as printed; values that could not be pasted safely keep the general phrase.
    @Test func commandsAreFilledInWithTheStepsValues() {
        var shell = test
        shell.commands = .init(
            waitFromCursor: "run `w S --cursor <cursor>`", answerPermission: "run `a S <request_id> yes`",
            answerInput: "run `i S <request_id> <action>`", waitForAttention: "run `t --resume <resume_token>`")
        #expect(shell.sentence(for: .waitAgain(cursor: "seq:9,msg=u-1,ahead=0,running=1"))
            == "Run `w S --cursor seq:9,msg=u-1,ahead=0,running=1` to keep waiting.")
        #expect(shell.sentence(for: .waitForReply(cursor: "seq:9")) == "To wait for the reply, run `w S --cursor seq:9`.")
        #expect(shell.sentence(for: .answerPermission(cursor: "seq:9", requestIDs: ["toolu_1"]))
            == "Run `a S toolu_1 yes`, then run `w S --cursor seq:9`.")
        // Two prompts: the general phrase, and the ids to choose from.
        #expect(shell.sentence(for: .answerPermission(cursor: "seq:9", requestIDs: ["r1", "r2"]))
            == "Call ANSWER (request_id r1, r2), then run `w S --cursor seq:9`.")
        #expect(shell.sentence(for: .answerInput(cursor: "seq:9", requestIDs: ["d-1"]))
            == "Ask the person what to answer, run `i S d-1 <action>` with their choice, then run `w S --cursor seq:9`.")
        // Nothing from the service goes into a command unless it is safe to paste into a shell.
        #expect(shell.sentence(for: .answerPermission(cursor: "seq:9", requestIDs: ["x; rm -rf ~"]))
            == "Call ANSWER, then run `w S --cursor seq:9`.")
        #expect(shell.sentence(for: .waitAgain(cursor: "$(reboot)")) == "Call WAIT from $(reboot) to keep waiting.")
        // Nor anything a shell would read as an option or expand.
        #expect(shell.sentence(for: .answerPermission(cursor: "seq:9", requestIDs: ["--always"]))
            == "Call ANSWER, then run `w S --cursor seq:9`.")
        #expect(shell.sentence(for: .waitAgain(cursor: "=ls")) == "Call WAIT from =ls to keep waiting.")
        #expect(shell.sentence(for: .watchAgain(resumeToken: "att1.0a1b")) == "Run `t --resume att1.0a1b` to keep watching.")
        #expect(shell.sentence(for: .attendThenWatch(resumeToken: "att1.0a1b")).hasSuffix(
            "then run `t --resume att1.0a1b` to keep watching without hearing of these again."))
        // A surface without commands words ids and all as before.
        #expect(test.sentence(for: .answerPermission(cursor: "seq:9", requestIDs: ["toolu_1"])) == "Call ANSWER, then call WAIT from seq:9.")
    }

    /// No string in the core's sources names a surface's operation: a message that did would tell a C
    /// or CLI user to call an MCP tool. (Comments may name them.)
    @Test func theCoresSourcesNameNoSurface() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources")
        var checked = 0
        for module in ["CCTapCore", "CCTapModel"] {
            let folder = root.appendingPathComponent(module).standardized
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let path as String in files where path.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let code = line.trimmingCharacters(in: .whitespaces)
                    guard !code.hasPrefix("//"), code.contains("\"") else { continue }
                    #expect(Self.namesNoSurface(String(code)), "\(module)/\(path):\(number + 1) names a surface: \(code)")
                }
                checked += 1
            }
        }
        #expect(checked > 20)
    }
}
