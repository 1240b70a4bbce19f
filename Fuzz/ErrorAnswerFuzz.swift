// libFuzzer target for the error path: status, headers and body of an error answer -> `ErrorAnswer`
// -> `APIErrorDetails` -> `TapError`'s message (Sources/CCTapModel/Values/ErrorAnswer.swift, RetryAfter,
// SecretScrubber, JSONParser). Built by scripts/fuzz.sh with the model target, under AddressSanitizer.
//
// The input: byte 0 picks the status, then the Retry-After header up to the first NUL, then the body.
// Beyond "never crashes" (the Retry-After trap of issue 21 was a crash of the host program), it checks:
// - no credential the client holds survives into the message, whatever the body says around it;
// - a wait kept from Retry-After is never negative, absurd or not a number;
// - every message encodes to JSON that parses back.

let secrets = ["sk-ant-oat01-FUZZ-secret-token-0123456789", "tdt-fuzz-device-secret-9876"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzErrorAnswer(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let first = bytes.first else { return 0 }
    let status = 400 + Int(first % 200)
    let rest = bytes.dropFirst()
    let split = rest.firstIndex(of: 0) ?? rest.endIndex
    let retryAfter = String(decoding: rest[rest.startIndex..<split], as: UTF8.self)
    var body = Array(rest[split...].dropFirst())
    // Plant the secrets where the input asks for them (a byte 0x01 stands for one), as an echoing proxy would.
    body = body.flatMap { $0 == 0x01 ? Array(secrets[0].utf8) : $0 == 0x02 ? Array(secrets[1].utf8) : [$0] }
    let headers = ["retry-after": retryAfter, "request-id": "req_" + retryAfter, "content-type": "text/html"]
    let details = ErrorAnswer.details(
        status: status, header: { headers[$0] }, body: body, route: "GET /fuzz", scrubber: SecretScrubber(secrets: secrets))
    let message = TapError.api(details).message
    for secret in secrets where message.contains(secret) || (details.requestID ?? "").contains(secret) {
        fatalError("a credential survived into the message: \(message)")
    }
    if let wait = details.retryAfterSeconds, !(wait >= 0 && wait <= RetryAfter.longest) {
        fatalError("an unusable Retry-After was kept: \(wait)")
    }
    let encoded = ResultJSON.encode(details)
    if JSONValue.parse(Array(encoded.utf8)) == nil { fatalError("the details did not encode to JSON: \(encoded)") }
    return 0
}
