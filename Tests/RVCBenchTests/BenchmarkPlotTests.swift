import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RVCBench
import Testing

@Suite("BenchmarkPlot")
struct BenchmarkPlotTests {
    /// A report of two series, 20 s and 180 s, as `rvc bench` writes it.
    static func report() throws -> BenchmarkReport {
        func run(_ seconds: Double, synthesis: Double) -> String {
            let total = 3.4 + synthesis
            return """
                {"input_seconds": \(seconds), "threads": 2, "repetitions": 1, "segments": 1,
                 "median": {"pitch": 1, "features": 2, "index": 0.1, "synthesis": \(synthesis), "other": 0.3, "total": \(total)},
                 "totals": [\(total)], "real_time_factor": \(total / seconds), "speed": \(seconds / total),
                 "end_to_end": {"decode": 0.5, "convert": \(total), "encode": 0.25, "total": \(total + 0.75), "totals": [\(total + 0.75)]},
                 "end_to_end_speed": \(seconds / (total + 0.75)), "output_length_verified": true,
                 "peak_resident_bytes": 1073741824, "peak_gpu_allocated_bytes": 3221225472, "peak_gpu_reserved_bytes": 4294967296}
                """
        }
        let json = """
            {"environment": {"libtorch": "2.11.0", "cpu_count": 2, "device": "cuda:0 (NVIDIA <H200>)", "precision": "fp16", "date": "2026-12-03"},
             "models": {}, "loading": {"hubert_and_rmvpe_seconds": 0.4, "voice_seconds": 0.6},
             "runs": [\(run(20, synthesis: 12)), \(run(180, synthesis: 110))]}
            """
        return try BenchmarkReport(json: Data(json.utf8))
    }

    @Test("draws a bar per series with every stage, totals, speeds and real-time factors, in valid SVG")
    func drawsEverySeries() throws {
        let svg = BenchmarkPlot(report: try Self.report()).svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        for stage in ["decode", "pitch", "features", "index", "synthesis", "other", "encode"] {
            #expect(svg.contains("<title>\(stage): "), "\(stage)")
        }
        #expect(svg.contains("20 s, 2 threads") && svg.contains("180 s, 2 threads"))
        #expect(svg.contains("16.1 s · 1.24× real time"))  // 20 s in 3.4 + 12 + 0.75 s
        #expect(svg.contains(">0.77<"))  // the 20 s series' real-time factor, 15.4 / 20
        #expect(svg.contains("NVIDIA &lt;H200&gt;"))  // text is escaped
        // Well-formed: XML parsing succeeds.
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    @Test("a report survives JSON and back, GPU and RMVPE keys included")
    func reportRoundTrip() throws {
        let original = try Self.report()
        let again = try BenchmarkReport(json: Data(try original.json().utf8))
        #expect(again.runs.count == 2)
        #expect(again.runs[1].peakGPUReservedBytes == 4 << 30)
        #expect(again.loading.hubertAndRMVPESeconds == 0.4)
        #expect(try again.json() == original.json())
        #expect(throws: (any Error).self) { try BenchmarkReport(json: Data("{\"runs\": []}".utf8)) }
    }
}
