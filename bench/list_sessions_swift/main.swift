import CCTapCore
import Dispatch

// cctap-bench: the per-call cost of list_sessions through the core directly, the baseline that
// scripts/bench-cabi.sh compares the C ABI and the Python binding with.
// Usage: cctap-bench CALLS   (endpoint and login from the environment, as for cc-tap)

let calls = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 2000
let tap = Tap(configuration: try TapConfiguration.fromEnvironment())
for _ in 0..<100 { _ = try await tap.listSessions() }  // warm-up: connections, caches
var samples: [Double] = []
samples.reserveCapacity(calls)
for _ in 0..<calls {
    let start = DispatchTime.now().uptimeNanoseconds
    let list = try await tap.listSessions()
    let json = ResultJSON.encode(list)  // what every surface does with the result
    samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
    precondition(!json.isEmpty)
}
samples.sort()
let median = samples[samples.count / 2]
let p95 = samples[samples.count * 95 / 100]
print("core \(calls) \(median.fixed(1)) \(p95.fixed(1))")
