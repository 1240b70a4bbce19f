/// Takes credentials out of text that came from elsewhere (an error body, a library's error text)
/// before it is shown, logged or handed to a model.
///
/// A proxy or a misconfigured gateway may echo the request's headers in its error page, so an error
/// body can hold the very token we sent. Every credential the client holds is replaced, wherever it
/// stands, and so is anything that looks like one: the rest of a `Bearer ` header value, and
/// Anthropic-shaped tokens (`sk-ant-…`) the client does not hold.
public struct SecretScrubber: Sendable {
    /// What stands in for a secret.
    public static let mark = "[redacted]"
    /// Secrets shorter than this are not searched for (they would match ordinary words).
    static let shortest = 8

    private let secrets: [String]

    public init(secrets: [String?]) {
        // Longest first, so a secret that contains another is replaced whole.
        self.secrets = secrets.compactMap { $0 }.filter { $0.utf8.count >= Self.shortest }.sorted { $0.utf8.count > $1.utf8.count }
    }

    public func scrub(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacing(secret, with: Self.mark)
        }
        return Self.scrubShapes(text)
    }

    /// Replaces what follows `Bearer ` (any case, up to a character no token has) and every `sk-ant-` token.
    static func scrubShapes(_ text: String) -> String {
        guard text.contains("sk-ant-") || text.lowercased().contains("bearer ") else { return text }
        let lowered = Array(text.lowercased())
        let characters = Array(text)
        // lowercased() may change the count for a few scripts; then only the exact forms are searched.
        let folded = lowered.count == characters.count ? lowered : characters
        var out = ""
        var index = 0
        while index < characters.count {
            if let skip = Self.match(Array("sk-ant-"), in: folded, at: index) {
                out += mark
                index = skip
                while index < characters.count, isTokenCharacter(characters[index]) { index += 1 }
                continue
            }
            if let valueStart = Self.match(Array("bearer "), in: folded, at: index) {
                out += String(characters[index..<valueStart])
                var end = valueStart
                while end < characters.count, isTokenCharacter(characters[end]) { end += 1 }
                let value = String(characters[valueStart..<end])
                out += value.isEmpty || value == mark ? value : mark
                index = end
                continue
            }
            out.append(characters[index])
            index += 1
        }
        return out
    }

    /// The index after `needle` when it stands at `index` of `haystack`.
    private static func match(_ needle: [Character], in haystack: [Character], at index: Int) -> Int? {
        guard index + needle.count <= haystack.count else { return nil }
        for offset in 0..<needle.count where haystack[index + offset] != needle[offset] { return nil }
        return index + needle.count
    }

    static func isTokenCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || "-._~+/=[]".contains(character)
    }
}
