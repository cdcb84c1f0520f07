import Foundation

/// Draws a ``BenchmarkReport`` as one SVG picture a person can read at a glance: for every series
/// (input duration × threads) a horizontal bar of median seconds split by stage — decode, pitch,
/// features, index, synthesis, other, encode — labelled with the end-to-end total and speed, and
/// below it the real-time factor of each series against the real-time line.
public struct BenchmarkPlot: Sendable {
    /// The stages in drawing order, with their colours.
    static let stages: [(name: String, colour: String)] = [
        ("decode", "#9e9e9e"), ("pitch", "#1f77b4"), ("features", "#ff7f0e"), ("index", "#2ca02c"),
        ("synthesis", "#d62728"), ("other", "#9467bd"), ("encode", "#8c564b"),
    ]

    public let report: BenchmarkReport

    public init(report: BenchmarkReport) {
        self.report = report
    }

    /// The stage seconds of one series, in ``stages`` order.
    static func seconds(of run: BenchmarkReport.Run) -> [Double] {
        let m = run.median
        return [run.endToEnd.decode, m.pitch, m.features, m.index, m.synthesis, m.other, run.endToEnd.encode]
    }

    /// The SVG document.
    public func svg() -> String {
        let runs = report.runs
        let width = 900.0
        let left = 150.0, right = 40.0, top = 70.0
        let barHeight = 26.0, barGap = 14.0
        let barsHeight = Double(max(runs.count, 1)) * (barHeight + barGap)
        let rtfTop = top + barsHeight + 70
        let rtfHeight = 160.0
        let height = rtfTop + rtfHeight + 60
        let plotWidth = width - left - right
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="24" font-size="16" font-weight="bold">rvc bench: \(Self.escape(report.environment.device)), \
            \(Self.escape(report.environment.precision)), LibTorch \(Self.escape(report.environment.libtorch))</text>
            <text x="\(left)" y="44" fill="#555">median seconds per stage, end to end (song decoded → converted → Ogg Opus); \
            \(Self.escape(report.environment.date))</text>

            """
        // Legend.
        var legendX = left
        for stage in Self.stages {
            out += "<rect x=\"\(Self.f(legendX))\" y=\"52\" width=\"10\" height=\"10\" fill=\"\(stage.colour)\"/>"
            out += "<text x=\"\(Self.f(legendX + 14))\" y=\"61\">\(stage.name)</text>\n"
            legendX += 14 + Double(stage.name.count) * 7 + 16
        }

        // Stage bars, each series scaled to the longest total so they compare.
        let longest = runs.map(\.endToEnd.total).max() ?? 1
        let scale = plotWidth * 0.82 / max(longest, 1e-9)
        for (i, run) in runs.enumerated() {
            let y = top + Double(i) * (barHeight + barGap)
            out += "<text x=\"\(Self.f(left - 8))\" y=\"\(Self.f(y + barHeight * 0.65))\" text-anchor=\"end\">"
                + "\(Self.duration(run.inputSeconds)) s, \(run.threads) thread\(run.threads == 1 ? "" : "s")</text>\n"
            var x = left
            for (stage, value) in zip(Self.stages, Self.seconds(of: run)) where value > 0 {
                let w = value * scale
                out += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(max(w, 0.5)))\" height=\"\(Self.f(barHeight))\" "
                    + "fill=\"\(stage.colour)\"><title>\(stage.name): \(Self.format(value)) s</title></rect>\n"
                if w > 46 {
                    out += "<text x=\"\(Self.f(x + w / 2))\" y=\"\(Self.f(y + barHeight * 0.65))\" text-anchor=\"middle\" "
                        + "fill=\"white\">\(Self.format(value))</text>\n"
                }
                x += w
            }
            out += "<text x=\"\(Self.f(x + 6))\" y=\"\(Self.f(y + barHeight * 0.65))\">\(Self.format(run.endToEnd.total)) s · "
                + "\(Self.format(run.endToEndSpeed))× real time</text>\n"
        }

        // Real-time factor per series: conversion time ÷ input duration; below 1 is faster than real time.
        let factors = runs.map(\.realTimeFactor)
        let maxFactor = max(1.2, (factors.max() ?? 1) * 1.15)
        let barWidth = min(60, plotWidth / Double(max(runs.count, 1)) * 0.6)
        out += "<text x=\"\(left)\" y=\"\(Self.f(rtfTop - 24))\" font-size=\"14\" font-weight=\"bold\">real-time factor of the conversion (seconds per second of input; lower is faster)</text>\n"
        out += "<line x1=\"\(left)\" y1=\"\(Self.f(rtfTop + rtfHeight))\" x2=\"\(Self.f(left + plotWidth))\" y2=\"\(Self.f(rtfTop + rtfHeight))\" stroke=\"#333\"/>\n"
        let realTimeY = rtfTop + rtfHeight * (1 - 1 / maxFactor)
        out += "<line x1=\"\(left)\" y1=\"\(Self.f(realTimeY))\" x2=\"\(Self.f(left + plotWidth))\" y2=\"\(Self.f(realTimeY))\" "
            + "stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>"
        out += "<text x=\"\(Self.f(left - 8))\" y=\"\(Self.f(realTimeY + 4))\" text-anchor=\"end\" fill=\"#d62728\">real time (1.0)</text>\n"
        for (i, run) in runs.enumerated() {
            let slot = plotWidth / Double(max(runs.count, 1))
            let cx = left + slot * (Double(i) + 0.5)
            let h = rtfHeight * run.realTimeFactor / maxFactor
            out += "<rect x=\"\(Self.f(cx - barWidth / 2))\" y=\"\(Self.f(rtfTop + rtfHeight - h))\" width=\"\(Self.f(barWidth))\" "
                + "height=\"\(Self.f(h))\" fill=\"#1f77b4\"/>"
            out += "<text x=\"\(Self.f(cx))\" y=\"\(Self.f(rtfTop + rtfHeight - h - 5))\" text-anchor=\"middle\">\(Self.format(run.realTimeFactor))</text>"
            out += "<text x=\"\(Self.f(cx))\" y=\"\(Self.f(rtfTop + rtfHeight + 16))\" text-anchor=\"middle\">\(Self.duration(run.inputSeconds)) s, \(run.threads)t</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    /// Two decimals below 10, one below 100, none above.
    static func format(_ x: Double) -> String {
        let a = abs(x)
        return String(format: a < 10 ? "%.2f" : (a < 100 ? "%.1f" : "%.0f"), x)
    }

    /// Whole seconds without decimals.
    static func duration(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : format(x)
    }

    private static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
