import Foundation
import PropertyBased
import Spec
import Testing
@testable import Scenarios

/// Bad input never traps: valid documents, randomly damaged, either load or
/// fail with an `InputError`; traces that still load are replayed on the spec.
@Suite("Mutated input")
struct MutationFuzzTests {
    /// SplitMix64: a tiny deterministic generator driven by the property seed.
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let alphabet = Array("{}[],:&*-?#'\"\n \t0123456789abxyzRWSD|>!%@.~")

    static func mutate(_ text: String, seed: Int) -> String {
        var chars = Array(text)
        var rng = Mix(state: UInt64(bitPattern: Int64(seed)))
        for _ in 0..<(1 + rng.below(4)) {
            guard !chars.isEmpty else { break }
            let at = rng.below(chars.count)
            switch rng.below(4) {
            case 0: chars.removeSubrange(at..<min(chars.count, at + 1 + rng.below(12)))
            case 1: chars.insert(alphabet[rng.below(alphabet.count)], at: at)
            case 2: chars[at] = alphabet[rng.below(alphabet.count)]
            default:
                let len = min(chars.count - at, 1 + rng.below(40))
                chars.insert(contentsOf: chars[at..<(at + len)], at: rng.below(chars.count))
            }
        }
        return String(chars)
    }

    static func builtInText(_ name: String) throws -> String {
        let path = try #require(try ScenarioLoader.builtIn(name).sourcePath)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func damagedScenariosLoadOrFailCleanly() async throws {
        let texts = try ScenarioLoader.builtInNames.map { try Self.builtInText($0) }
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max)) { seed in
            let text = Self.mutate(texts[seed % texts.count], seed: seed)
            if let s = try? ScenarioLoader.load(yaml: text, file: "m.yaml") {
                #expect(s.initial.wellFormed().isEmpty)
            } else {
                #expect(inputError { try ScenarioLoader.load(yaml: text, file: "m.yaml") } != nil)
            }
        }
    }

    @Test func damagedTracesLoadOrFailCleanly() async throws {
        let base = ExpectationTests.delegation
        let scenario = try ScenarioLoader.builtIn("client-server")
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max)) { seed in
            let text = Self.mutate(base, seed: seed)
            do {
                let trace = try TraceLoader.parse(json: text, file: "m.json")
                guard trace.scenario == "client-server" else { return }
                let bound = try TraceLoader.bind(trace, to: scenario)
                _ = ExpectationTests.replay(bound)
            } catch let error as InputError {
                #expect(!error.description.contains("\n"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
