#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the organisation UUID was found.
public enum OrganizationSource: String, Sendable, Codable {
    case environment = "env"
    case claudeConfig = "Claude Code config (.claude.json)"
    case profileEndpoint = "GET /api/oauth/profile"
    case rolesEndpoint = "GET /api/oauth/claude_cli/roles"
}

public struct Organization: Sendable, Codable, Equatable {
    public var uuid: String
    public var source: OrganizationSource

    package init(uuid: String, source: OrganizationSource) {
        self.uuid = uuid
        self.source = source
    }
}

/// Local sources of the organisation UUID; the two OAuth endpoints are asked by `RemoteAPI` when
/// these find nothing.
package struct OrganizationResolver: Sendable {
    package var host: HostEnvironment

    package func resolveLocally() -> Organization? {
        for name in ["CCR_ORG_UUID", "CLAUDE_CODE_ORGANIZATION_UUID"] {
            if let value = host.value(name) { return Organization(uuid: value, source: .environment) }
        }
        let path = host.claudeGlobalConfigPath
        if let data = host.contents(ofFile: path),
            let json = JSONValue.parse(data),
            let uuid = json["oauthAccount"]?["organizationUuid"]?.stringValue, !uuid.isEmpty
        {
            return Organization(uuid: uuid, source: .claudeConfig)
        }
        return nil
    }

    package init(host: HostEnvironment) {
        self.host = host
    }
}
