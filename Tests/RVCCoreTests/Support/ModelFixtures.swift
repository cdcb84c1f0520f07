import Foundation
import RVCBench
import RVCTestSupport
@testable import RVCCore

/// Loads the tiny reference networks and fixture arrays used by the model parity tests.
enum ModelFixtures {
    static func hubert(_ file: String = "hubert_tiny.pt") throws -> HuBERT {
        let checkpoint = try HuBERTCheckpoint.load(Fixtures.parity(file))
        return try HuBERT(weights: checkpoint.weights, config: checkpoint.config)
    }

    static func rmvpe() throws -> RMVPE {
        let checkpoint = try RMVPECheckpoint.load(Fixtures.parity("rmvpe_tiny.pt"))
        return try RMVPE(weights: checkpoint.weights, config: checkpoint.config)
    }

    static func array(_ name: String) throws -> NPYArray {
        try NPYArray(contentsOf: Fixtures.parity(name))
    }

    /// A fixture as a CPU tensor of its own dtype (float32 or float64).
    static func tensor(_ name: String) throws -> Tensor {
        let a = try array(name)
        switch a.kind {
        case .float64: return try Tensor(a.doubles(), shape: a.shape)
        default: return try Tensor(a.floats(), shape: a.shape)
        }
    }

    /// Relative error of a tensor against a fixture (max |a − b| / max |b|), after checking sizes.
    static func relativeError(_ actual: Tensor, _ reference: NPYArray) throws -> Double {
        let values = try actual.toArray(Double.self)
        guard values.count == reference.count else {
            throw ParityError.unreadableArray(file: "reference", reason: "\(values.count) values vs reference \(reference.shape)")
        }
        return ParityMetrics.relativeError(values, reference: reference.doubles())
    }

    /// NumPy's reflect padding (no edge repeat) by `pad` on each side, for any pad ≥ 0
    /// (reference-inference.md E.5.3: the mirror-periodic extension with period 2(N − 1)).
    static func reflectPad(_ x: [Double], _ pad: Int) -> [Double] {
        let n = x.count
        let period = 2 * (n - 1)
        return (0..<(n + 2 * pad)).map { m in
            var r = (m - pad) % period
            if r < 0 { r += period }
            return x[r < n ? r : period - r]
        }
    }
}
