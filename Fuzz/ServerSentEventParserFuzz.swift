// libFuzzer target for `ServerSentEventParser` (Sources/CCTapModel/Events/ServerSentEvents.swift).
// Built by scripts/fuzz.sh together with that one file, under AddressSanitizer.
//
// Beyond "never crashes", it checks the properties the event feed relies on:
// - bytes split anywhere (here: into chunks whose sizes the input itself picks) parse to exactly the
//   same events and the same failure as the whole input fed at once;
// - no event's data is larger than the parser's limit;
// - a stream with no line break dispatches nothing.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerSentEventParser(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    let limits = (line: 4096, event: 16384)

    func parse(_ chunks: [ArraySlice<UInt8>]) -> (events: [ServerSentEvent], failure: ServerSentEventParser.Failure?) {
        var parser = ServerSentEventParser(maxLineBytes: limits.line, maxEventBytes: limits.event)
        var events: [ServerSentEvent] = []
        for chunk in chunks {
            do {
                events += try parser.feed(chunk)
            } catch {
                return (events, error)
            }
        }
        return (events, nil)
    }

    let whole = parse([bytes[...]])
    var chunks: [ArraySlice<UInt8>] = []
    var index = 0
    while index < bytes.count {
        let size = Int(bytes[index] % 7) + 1
        chunks.append(bytes[index..<min(bytes.count, index + size)])
        index += size
    }
    let split = parse(chunks)

    if whole.events != split.events || whole.failure != split.failure {
        fatalError("split input parsed differently: \(whole) vs \(split)")
    }
    for event in whole.events where event.data.utf8.count > limits.event {
        fatalError("an event of \(event.data.utf8.count) bytes passed the \(limits.event)-byte limit")
    }
    if !bytes.contains(0x0A) && !bytes.contains(0x0D) && !whole.events.isEmpty {
        fatalError("an event was dispatched without a line break")
    }
    return 0
}
