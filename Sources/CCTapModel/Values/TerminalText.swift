/// Text from the service made safe to print on a person's terminal.
///
/// A session title, a reply or a tool's input is somebody else's text; printed raw, an escape
/// sequence in it could clear the screen, retitle the window or rewrite what was printed before.
/// Control characters (C0 but line feed and tab, DEL, C1) and the bidirectional overrides are shown
/// as `\u{…}` escapes instead: visible, and still recognisable.
public enum TerminalText {
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides and isolates
        default: return false
        }
    }
}
