import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// Sending, waiting, permissions and interrupts against the emulator's scripted worker.
@Suite struct ConversationTests {
    @Test func sendAndWaitOnTheLongSession() async throws {
        try await withEmulator(testEmulator(longSession: true)) { (h: Harness) async throws in
            #expect(await h.store.eventCount(Seed.long) >= 5_000)
            let result = try await h.tap.sendAndWait(Seed.long, message: "What is step 1001?", timeout: 20)
            #expect(result.status == .complete)
            #expect(result.reply.contains("You said: What is step 1001?"))
            // Streamed copies collapse: the reply appears once.
            #expect(result.reply.components(separatedBy: "You said:").count == 2)
            #expect(result.result?.subtype == "success")
            #expect(result.messageUUID != nil)
            // Only the new events were read, not the session's history.
            #expect(result.eventsRead < 20)
            #expect(await h.store.storedCount(uuid: result.messageUUID!) == 1)
        }
    }

    @Test func presenceIsOffUnlessAsked() async throws {
        try await withEmulator { (h: Harness) async throws in
            let result = try await h.tap.sendAndWait(Seed.demo, message: "hello", timeout: 60)
            #expect(result.status == .complete)
            #expect(await h.store.presenceEntries().isEmpty)
            #expect(await h.store.requests().allSatisfy { !$0.contains("/presence") })
        }
    }

    @Test func presenceIsKeptAliveAndClearedWhenAsked() async throws {
        var configuration = testEmulator()
        configuration.presenceRefreshSeconds = 0.1
        try await withEmulator(configuration, extraVariables: ["CCTAP_PRESENCE": "1"]) { (h: Harness) async throws in
            func heartbeats() async -> [(session: String, clientID: String, clear: Bool)] {
                await h.store.presenceEntries().filter { $0.session == Seed.demo }
            }
            // A wait on a turn that runs until it is stopped: the test, not the machine's load, decides
            // how long presence must be kept alive: until three heartbeats have arrived.
            let sent = try await h.tap.sendMessage(Seed.demo, message: "talk until stopped")
            let waiting = Task { try await h.tap.waitForReply(Seed.demo, cursor: sent.cursor, timeout: 120) }
            #expect(await eventually { await heartbeats().count >= 3 })
            #expect(await heartbeats().filter { !$0.clear }.count >= 3)
            #expect(await heartbeats().allSatisfy { !$0.clear })

            // The turn's end ends the wait; presence is withdrawn before the wait returns, after every refresh.
            _ = try await h.tap.interrupt(Seed.demo)
            let result = try await waiting.value
            #expect(result.status == .interrupted)
            let entries = await heartbeats()
            #expect(entries.last?.clear == true)
            #expect(entries.filter(\.clear).count == 1)
            #expect(Set(entries.map(\.clientID)).count == 1)
            #expect(await h.store.presenceAnnouncesWithoutTime == 0)
        }
    }

    @Test func permissionFlowAllow() async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "run make test", timeout: 20)
            #expect(asked.status == .waitingForPermission)
            let request = try #require(asked.pendingPermissions.first)
            #expect(request.toolName == "Bash")
            #expect(request.input["command"] == .string("make test"))
            #expect(request.requestID != request.toolUseID)
            #expect(await h.store.sessionStatus(Seed.demo) == "requires_action")

            let answer = try await h.tap.respondToPermission(Seed.demo, requestID: request.requestID, decision: .allow)
            #expect(answer.sent["response"]?["request_id"] == .string(request.requestID))
            #expect(answer.sent["response"]?["response"]?["updatedInput"] == request.input)
            #expect(answer.sent["response"]?["response"]?["toolUseID"] == request.toolUseID.map(JSONValue.string))

            let done = try await h.tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 20)
            #expect(done.status == .complete)
            #expect(done.reply.contains("The command `make test` ran"))
            #expect(done.pendingPermissions.isEmpty)
        }
    }

    @Test func permissionFlowDenyAndUpdatedInput() async throws {
        try await withEmulator { (h: Harness) async throws in
            let asked = try await h.tap.sendAndWait(Seed.demo, message: "run rm -rf build", timeout: 20)
            let request = try #require(asked.pendingPermissions.first)
            _ = try await h.tap.respondToPermission(
                Seed.demo, requestID: request.requestID, decision: .deny, message: "Not now")
            let denied = try await h.tap.waitForReply(Seed.demo, cursor: asked.cursor, timeout: 20)
            #expect(denied.status == .complete)
            #expect(denied.reply.contains("I did not run"))
            let transcript = try await h.tap.readSession(Seed.demo, lastN: 6)
            #expect(transcript.entries.contains { $0.kind == .toolResult && $0.isError == true && $0.text == "Not now" })

            let second = try await h.tap.sendAndWait(Seed.demo, message: "run ls", timeout: 20)
            let prompt = try #require(second.pendingPermissions.first)
            _ = try await h.tap.respondToPermission(
                Seed.demo, requestID: prompt.requestID, decision: .allow, updatedInput: ["command": "ls -1"])
            let ran = try await h.tap.waitForReply(Seed.demo, cursor: second.cursor, timeout: 20)
            #expect(ran.reply.contains("`ls -1` ran"))
        }
    }

    @Test func answeringWithTheToolUseIDIsCaught() async throws {
        try await withEmulator { (h: Harness) async throws in
            let info = try await h.tap.sessionInfo(Seed.pendingPermission)
            let request = try #require(info.pendingPermissions.first)
            let error = await tapError {
                _ = try await h.tap.respondToPermission(Seed.pendingPermission, requestID: request.toolUseID!, decision: .allow)
            }
            #expect(error?.kind == "invalid_argument")
            #expect(error?.message.contains(request.requestID) == true)
            #expect(await tapError {
                _ = try await h.tap.respondToPermission(Seed.pendingPermission, requestID: "nope", decision: .allow)
            }?.message.contains("No unanswered permission prompt") == true)

            // The seeded prompt is answered like a live one, and then it is no longer pending.
            let cursor = try await h.tap.events(Seed.pendingPermission, lastN: 1)
            _ = cursor
            _ = try await h.tap.respondToPermission(Seed.pendingPermission, requestID: request.requestID, decision: .allow)
            #expect(try await h.tap.sessionInfo(Seed.pendingPermission).pendingPermissions.isEmpty)
            // The worker then finishes the turn.
            #expect(try await eventually { try await h.tap.sessionInfo(Seed.pendingPermission).session.workerStatus == "idle" })
        }
    }

    @Test func timeoutThenResumeFromCursor() async throws {
        var configuration = testEmulator()
        configuration.slowTurnSeconds = 1.2
        try await withEmulator(configuration) { (h: Harness) async throws in
            let first = try await h.tap.sendAndWait(Seed.demo, message: "slow down and think", timeout: 0.3)
            #expect(first.status == .timeout)
            #expect(first.next == .waitAgain(cursor: first.cursor))
            let resumed = try await h.tap.waitForReply(Seed.demo, cursor: first.cursor, timeout: 20)
            #expect(resumed.status == .complete)
            #expect(resumed.reply.contains("slow down and think"))
        }
    }

    @Test func interruptEndsTheTurn() async throws {
        // "until stopped": a turn that streams for two minutes, so the interrupt lands mid-turn however
        // busy the machine.
        try await withEmulator { (h: Harness) async throws in
            let first = try await h.tap.sendAndWait(Seed.demo, message: "a task, until stopped", timeout: 0.3)
            #expect(first.status == .timeout)
            let interrupt = try await h.tap.interrupt(Seed.demo)
            #expect(interrupt.requestID.hasPrefix("interrupt-"))
            // Uninterrupted, the turn would run past this timeout; it only bounds a hang.
            let after = try await h.tap.waitForReply(Seed.demo, cursor: first.cursor, timeout: 60)
            #expect(after.status == .interrupted)
            #expect(after.result?.subtype == "error_during_execution")
            #expect(after.result?.isError == true)
        }
    }

    @Test func errorResultIsReported() async throws {
        try await withEmulator { (h: Harness) async throws in
            let result = try await h.tap.sendAndWait(Seed.demo, message: "this will fail", timeout: 20)
            #expect(result.status == .error)
            #expect(result.result?.subtype == "error_max_turns")
        }
    }

    @Test func disconnectedSessionTimesOutHonestly() async throws {
        try await withEmulator { (h: Harness) async throws in
            let result = try await h.tap.sendAndWait(Seed.disconnected, message: "anyone there?", timeout: 0.4)
            #expect(result.status == .timeout)
            #expect(result.reply.isEmpty)
            #expect(await h.store.storedCount(uuid: result.messageUUID!) == 1)
        }
    }

    @Test func archivingDuringAWaitEndsIt() async throws {
        try await withEmulator(tune: { $0.sessionCheckInterval = 0.1 }) { (h: Harness) async throws in
            let before = await h.store.eventCount(Seed.disconnected)
            let archiver = Task {
                // Archive once the message is in (the wait has begun).
                #expect(await eventually { await h.store.eventCount(Seed.disconnected) > before })
                _ = await h.store.archive(Seed.disconnected)
            }
            // Nobody answers this session: a wait that missed the archiving would end `timeout` after 60 s.
            let result = try await h.tap.sendAndWait(Seed.disconnected, message: "still there?", timeout: 60)
            await archiver.value
            #expect(result.status == .error)
            #expect(result.hint.contains("archived"))
        }
    }

    @Test func progressReportsTheReplySoFar() async throws {
        var configuration = testEmulator()
        configuration.slowTurnSeconds = 4  // 1 s between streamed copies
        try await withEmulator(configuration) { (h: Harness) async throws in
            let seen = Counter()
            let result = try await h.tap.sendAndWait(Seed.demo, message: "slow reply please", timeout: 20) { partial in
                seen.add(partial.reply)
            }
            #expect(result.status == .complete)
            let partials = seen.values
            #expect(!partials.isEmpty)
            #expect(partials.allSatisfy { result.reply.hasPrefix($0) })
            #expect(partials.contains { $0.count < result.reply.count })  // seen before the turn ended
        }
    }
}

import Synchronization

final class Counter: Sendable {
    private let box = Mutex<[String]>([])
    func add(_ value: String) { box.withLock { $0.append(value) } }
    var values: [String] { box.withLock { $0 } }
}
