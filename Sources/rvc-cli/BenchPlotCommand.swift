import ArgumentParser
import Foundation
import RVCBench

/// `rvc bench plot`: draws a saved `rvc bench` report as an SVG picture.
struct BenchPlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a saved `rvc bench` JSON report as an SVG picture.",
        discussion: """
            One bar per series (input duration × threads) of median seconds by stage, from decoding \\
            the song to encoding Ogg Opus, with the end-to-end total and speed; below it the \\
            conversion's real-time factor per series against the real-time line. `rvc bench --plot \\
            FILE` draws the same picture as it measures.
            """)

    @Argument(help: "A report written by `rvc bench --report` (or its standard output).")
    var report: String

    @Option(name: .shortAndLong, help: "The SVG file to write.")
    var output: String

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: report))
        } catch {
            throw ValidationError("cannot read the report '\(report)': \(error.localizedDescription)")
        }
        let parsed: BenchmarkReport
        do {
            parsed = try BenchmarkReport(json: data)
        } catch {
            throw ValidationError("'\(report)' is not an `rvc bench` report: \(error)")
        }
        try Data(BenchmarkPlot(report: parsed).svg().utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    }
}
