import ArgumentParser
import Scenarios

extension L4Spec {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in scenarios.")

        func run() throws {
            for name in ScenarioLoader.builtInNames {
                let s = try ScenarioLoader.builtIn(name)
                let summary = s.description.split(separator: "\n").first.map(String.init) ?? ""
                print("\(name)\n    \(summary)")
            }
        }
    }
}
