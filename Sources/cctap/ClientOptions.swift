import CCTapABI
import CCTapCore
import Foundation

/// `cctap_client_new`'s options: the environment's defaults, overridden by the JSON given.
enum ClientOptions {
    static let known: Set<String> = [
        "base_url", "access_token", "organization_uuid", "claude_config_dir", "request_timeout", "poll_interval",
        "event_source", "presence",
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
            ("event_source", "CCTAP_EVENT_SOURCE"),
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
