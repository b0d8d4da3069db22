import ArgumentParser
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a small network of replicas and show them converge.")
    func run() throws {}
}
