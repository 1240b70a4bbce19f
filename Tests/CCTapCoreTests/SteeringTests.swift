import CCTapCore
import CCTapEmulator
import CCTapTestSupport
import Foundation
import Testing

/// Steering: worker controls acknowledged or refused in the worker's words, and changes the service
/// applies to the session's record.
@Suite struct SteeringTests {
    @Test func theWorkerAcknowledgesModeAndModel() async throws {
        try await withEmulator { (h: Harness) async throws in
            let plan = try await h.tap.setPermissionMode(Seed.demo, mode: "plan")
            #expect(plan.status == .acknowledged && plan.action == .permissionMode && plan.value == "plan")
            let requestID = try #require(plan.requestID)
            // The control went out as the apps send it, and the worker's answer names it.
            let events = try await h.tap.events(Seed.demo, types: ["control_request", "control_response"], lastN: 2).events
            #expect(events.first?["request"] == ["subtype": "set_permission_mode", "mode": "plan"])
            #expect(events.last?["response"]?["request_id"]?.stringValue == requestID)

            let model = try await h.tap.setModel(Seed.demo, model: "claude-opus-4-8")
            #expect(model.status == .acknowledged)
            #expect(try await h.tap.sessionInfo(Seed.demo).session.model == "claude-opus-4-8")

            // The two modes current CLIs added (late-2026 §7); the worker acknowledges them.
            for mode in ["auto", "dontAsk"] {
                let set = try await h.tap.setPermissionMode(Seed.demo, mode: mode)
                #expect(set.status == .acknowledged, "\(mode): \(set.note)")
            }
            let bypass = try await h.tap.setPermissionMode(Seed.demo, mode: "bypassPermissions", confirmBypass: true)
            #expect(bypass.status == .acknowledged)
        }
    }

    @Test func aRefusalCarriesTheWorkersWords() async throws {
        try await withEmulator { (h: Harness) async throws in
            // A control the REPL bridge does not dispatch, as RC-API saw for apply_flag_settings.
            let refused = try await h.tap.control(
                SessionID(Seed.demo), .model, value: nil, subtype: "apply_flag_settings", fields: ["settings": [:]])
            #expect(refused.status == .refused)
            #expect(refused.detail == "REPL bridge does not handle control_request subtype: apply_flag_settings")
            #expect(refused.note.contains("REPL bridge does not handle"))
        }
    }

    @Test func aDisconnectedSessionSaysSoAtOnce() async throws {
        // The acknowledgement wait is long: a control to a disconnected session must not run into it.
        try await withEmulator(tune: { $0.acknowledgementTimeout = 120 }) { (h: Harness) async throws in
            let queued = try await h.tap.setModel(Seed.disconnected, model: "claude-sonnet-4-5")
            #expect(queued.status == .queued)
            #expect(queued.note.contains("disconnected"))
            #expect(queued.note.contains("when it reconnects"))
            #expect(await h.store.allEvents(Seed.disconnected).contains { $0["request"]?["subtype"]?.stringValue == "set_model" })
        }
    }

    @Test func aWorkerThatDoesNotAnswerLeavesTheControlQueued() async throws {
        try await withEmulator(tune: { $0.acknowledgementTimeout = 0.5 }) { (h: Harness) async throws in
            // Connected, but the worker never answers this control (the emulator's answers are held back).
            await h.store.addFault(FaultRule(kind: .acceptWithoutStoring, method: "POST", route: "/v1/code/sessions/{id}/events", times: nil))
            await h.store.addFault(FaultRule(kind: .acceptWithoutStoring, method: "POST", route: "/v1/sessions/{id}/events", times: nil))
            let queued = try await h.tap.setModel(Seed.demo, model: "claude-sonnet-4-5")
            #expect(queued.status == .queued)
            #expect(queued.note.contains("has not answered"))
        }
    }

    @Test func badValuesAreRefusedBeforeAnythingIsSent() async throws {
        try await withEmulator { (h: Harness) async throws in
            let before = await h.store.eventCount(Seed.demo)
            let unknown = await tapError { _ = try await h.tap.setPermissionMode(Seed.demo, mode: "yolo") }
            #expect(unknown?.message.contains("acceptEdits") == true)
            let unconfirmed = await tapError { _ = try await h.tap.setPermissionMode(Seed.demo, mode: "bypassPermissions") }
            #expect(unconfirmed?.errorKind == .invalidArgument)
            #expect(unconfirmed?.message.contains("confirm") == true)
            let spaced = await tapError { _ = try await h.tap.setModel(Seed.demo, model: "claude opus") }
            #expect(spaced?.errorKind == .invalidArgument)
            let empty = await tapError { _ = try await h.tap.renameSession(Seed.demo, title: "  ") }
            #expect(empty?.errorKind == .invalidArgument)
            #expect(await h.store.eventCount(Seed.demo) == before)
        }
    }

    @Test func titleArchiveAndReadMarkAreAppliedByTheService() async throws {
        try await withEmulator { (h: Harness) async throws in
            let renamed = try await h.tap.renameSession(Seed.demo, title: "Flaky login, fixed ✨")
            #expect(renamed.status == .applied && renamed.detail == nil)
            #expect(try await h.tap.sessionInfo(Seed.demo).session.title == "Flaky login, fixed ✨")

            #expect(try await h.tap.sessionInfo(Seed.demo).session.attentionReason == .unreadResult)
            let read = try await h.tap.markRead(Seed.demo)
            #expect(read.status == .applied)
            let after = try await h.tap.sessionInfo(Seed.demo).session
            #expect(after.unread == false && after.needsAttention == false)

            let archived = try await h.tap.archiveSession(Seed.unicode)
            #expect(archived.status == .applied && archived.detail == nil)
            let again = try await h.tap.archiveSession(Seed.unicode)
            #expect(again.status == .applied && again.detail == "it was already archived")
            #expect(!(try await h.tap.listSessions(status: "active")).sessions.contains { SessionBoard.key($0.id) == SessionBoard.key(Seed.unicode) })
        }
    }

    @Test func archivingWorksOnTheOlderRoutesToo() async throws {
        try await withEmulator(testEmulator(dialect: .v1)) { (h: Harness) async throws in
            let archived = try await h.tap.archiveSession(Seed.unicode)
            #expect(archived.status == .applied && archived.sessionID == Seed.unicode)
        }
    }
}
