import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// Prompts that are not plain tool permissions, and controls the worker acknowledges (or not).
@Suite struct PromptTests {
    @Test func aDialogEndsTheWaitInsteadOfHangingIt() async throws {
        try await withEmulator { (h: Harness) async throws in
            // A wait that missed the dialog would run into its 120 s timeout and end `timeout`.
            let result = try await h.tap.sendAndWait(Seed.demo, message: "open a dialog please", timeout: 120)
            #expect(result.status == .waitingForInput)
            let input = try #require(result.pendingInputs.first)
            #expect(input.subtype == "request_user_dialog")
            #expect(input.request["payload"]?["title"] == "Continue with the migration?")
            #expect(input.kind == .dialog && input.dialogKind == "confirm" && input.actions == [.complete, .cancel])
            #expect(input.summary.contains("Continue with the migration?"))
            #expect(result.pendingPermissions.isEmpty)
            #expect(result.hint.contains("request_user_dialog"))
            let info = try await h.tap.sessionInfo(Seed.demo)
            #expect(info.pendingInputs.map(\.requestID) == [input.requestID])
            #expect(info.session.workerStatus == "requires_action")
        }
    }

    @Test func anUnknownBlockingRequestAlsoEndsTheWait() async throws {
        try await withEmulator { (h: Harness) async throws in
            let cursor = try await h.tap.latestCursor(Seed.disconnected)
            await h.store.inject(Seed.disconnected, event: [
                "type": "control_request", "request_id": "req-never-seen",
                "request": ["subtype": "some_future_prompt", "text": "?"],
            ])
            let result = try await h.tap.waitForReply(Seed.disconnected, cursor: cursor, timeout: 120)
            #expect(result.status == .waitingForInput)
            #expect(result.pendingInputs.first?.subtype == "some_future_prompt")
            // A control a controller sends (here another client's set_model) is not a prompt.
            let later = try await h.tap.latestCursor(Seed.disconnected)
            await h.store.inject(Seed.disconnected, event: [
                "type": "control_request", "request_id": "req-set-model", "request": ["subtype": "set_model", "model": "x"],
            ])
            await h.store.inject(Seed.disconnected, event: ["type": "result", "subtype": "success", "is_error": false])
            let next = try await h.tap.waitForReply(Seed.disconnected, cursor: later, timeout: 120)
            #expect(next.status == .complete)
            #expect(next.pendingInputs.isEmpty)
        }
    }

    @Test func aQuestionReadsAsOneAndIsAnsweredWithUpdatedInput() async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "ask me a question", timeout: 120)
            #expect(asked.status == .waitingForPermission)
            let prompt = try #require(asked.pendingPermissions.first)
            #expect(prompt.toolName == "AskUserQuestion")
            let summary = try #require(prompt.summary)
            #expect(summary.contains("Which database should the service use?"))
            #expect(summary.contains("SQLite: One file, no server"))

            let answer: JSONValue = [
                "questions": prompt.input["questions"] ?? [],
                "answers": ["Which database should the service use?": "SQLite"],
            ]
            let answered = try await h.tap.respondToPermission(
                Seed.demo, requestID: prompt.requestID, decision: .allow, updatedInput: answer)
            #expect(answered.status == .acknowledged)
            #expect(answered.detail == "the tool ran")
            let done = try await h.tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 120)
            #expect(done.status == .complete)
            #expect(done.reply.contains("Going with SQLite."))
            #expect(done.pendingPermissions.isEmpty)
        }
    }

    @Test func anInterruptIsAcknowledgedByTheWorker() async throws {
        try await withEmulator { (h: Harness) async throws in
            let sent = try await h.tap.sendMessage(Seed.demo, message: "a long one, until stopped")
            let stop = try await h.tap.interrupt(Seed.demo)
            #expect(stop.status == .acknowledged)
            let end = try await h.tap.waitForReply(Seed.demo, cursor: sent.cursor, timeout: 120)
            #expect(end.status == .interrupted)
        }
    }

    @Test func aControlNobodyAnswersIsReportedQueued() async throws {
        try await withEmulator(tune: { $0.acknowledgementTimeout = 0.5 }) { (h: Harness) async throws in
            // No worker is attached to this session, so nothing acknowledges the interrupt.
            let stop = try await h.tap.interrupt(Seed.disconnected)
            #expect(stop.status == .queued)
            #expect(await h.store.requests().contains { $0.hasPrefix("POST") && $0.contains("/events") })
        }
    }

    @Test func anAnsweredPromptIsNeverCountedPending() async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "run make check", timeout: 120)
            let prompt = try #require(asked.pendingPermissions.first)
            let answered = try await h.tap.respondToPermission(Seed.demo, requestID: prompt.requestID, decision: .deny)
            #expect(answered.status == .acknowledged)
            #expect(try await h.tap.sessionInfo(Seed.demo).pendingPermissions.isEmpty)
            // Waiting on from where the prompt left the wait sees the answer and the turn end, never the prompt again.
            let resumed = try await h.tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 120)
            #expect(resumed.status == .complete)
            #expect(resumed.pendingPermissions.isEmpty)
        }
    }
}
