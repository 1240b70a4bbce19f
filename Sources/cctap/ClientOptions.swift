import CCTapABI
import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cctap_client_new`'s options: the environment's defaults, overridden by the JSON given.
enum ClientOptions {
    static let known: Set<String> = [
        "base_url", "access_token", "organization_uuid", "claude_config_dir", "request_timeout", "poll_interval",
        "event_source", "presence", "wording", "sender",
    ]

    static func configuration(from options: JSONValue?) throws(CFailure) -> TapConfiguration {
        let settings = options?.objectValue ?? [:]
        if let unknown = settings.keys.filter({ !known.contains($0) }).sorted().first {
            throw CFailure(
                CCTAP_E_INVALID_ARGUMENT,
                "options_json has an unknown key \"\(unknown)\"; known: \(known.sorted().joined(separator: ", ")).")
        }
        var host = HostEnvironment.current
        for (key, variable) in [
            ("base_url", "CCTAP_BASE_URL"), ("access_token", "CCTAP_ACCESS_TOKEN"),
            ("organization_uuid", "CCR_ORG_UUID"), ("claude_config_dir", "CLAUDE_CONFIG_DIR"),
            ("event_source", "CCTAP_EVENT_SOURCE"), ("sender", "CCTAP_SENDER"),
        ] {
            guard let value = settings[key] else { continue }
            guard let text = value.stringValue else {
                throw CFailure(CCTAP_E_INVALID_ARGUMENT, "options_json: \(key) must be a string.")
            }
            host.variables[variable] = text
        }
        var configuration: TapConfiguration
        do {
            configuration = try TapConfiguration.fromEnvironment(host)
        } catch {
            throw CFailure(error)
        }
        if let timeout = try seconds(settings, "request_timeout", .requestTimeout) {
            configuration.useRequestTimeout(timeout)
        }
        if let interval = try seconds(settings, "poll_interval", .pollInterval) { configuration.pollInterval = interval }
        if let presence = settings["presence"] {
            guard let on = presence.boolValue else {
                throw CFailure(CCTAP_E_INVALID_ARGUMENT, "options_json: presence must be true or false.")
            }
            configuration.presence = on
        }
        return configuration
    }

    /// The names for next steps in messages and hints: the C functions', with any of them replaced
    /// by the caller's (a language binding gives its own methods' names).
    static func wording(from options: JSONValue?) throws(CFailure) -> Wording {
        guard let given = options?["wording"] else { return .c }
        guard let names = given.objectValue else {
            throw CFailure(CCTAP_E_INVALID_ARGUMENT, "options_json: wording must be an object of phrases.")
        }
        var wording = Wording.c
        let fields: [(String, WritableKeyPath<Wording, String>)] = [
            ("wait", \.wait), ("with_cursor", \.withCursor), ("answer_permission", \.answerPermission),
            ("answer_input", \.answerInput),
            ("list_sessions", \.listSessions), ("read_session", \.readSession),
            ("wait_for_attention", \.waitForAttention),
        ]
        if let unknown = names.keys.filter({ key in !fields.contains { $0.0 == key } }).sorted().first {
            throw CFailure(
                CCTAP_E_INVALID_ARGUMENT,
                "options_json: wording has an unknown key \"\(unknown.prefix(40))\"; known: \(fields.map(\.0).joined(separator: ", ")).")
        }
        for (key, path) in fields {
            guard let value = names[key] else { continue }
            guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= Limits.wordingPhraseBytes else {
                throw CFailure(
                    CCTAP_E_INVALID_ARGUMENT,
                    "options_json: wording.\(key) must be a string of 1 to \(Limits.wordingPhraseBytes) bytes.")
            }
            wording[keyPath: path] = text
        }
        return wording
    }

    private static func seconds(_ settings: [String: JSONValue], _ key: String, _ setting: SecondsSetting) throws(CFailure)
        -> Double?
    {
        guard let value = settings[key] else { return nil }
        do {
            return try setting.checked(value.doubleValue, name: "options_json: \(key)", given: value.jsonText())
        } catch {
            throw CFailure(error)
        }
    }
}
