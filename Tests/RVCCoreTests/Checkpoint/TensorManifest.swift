import Foundation
import RVCCore
import RVCTestSupport

/// `Tests/Fixtures/parity/tensors.json`: per checkpoint, per dotted tensor path, the reference
/// shape, dtype, float64 sum, sum of squares and first (up to 8) values.
struct TensorManifest: Decodable {
    struct Entry: Decodable {
        let shape: [Int]
        let dtype: String
        let sum: Double
        let sumsq: Double
        let first: [Double]
    }

    static func load() throws -> [String: [String: Entry]] {
        let data = try Data(contentsOf: Fixtures.parity("tensors.json"))
        return try JSONDecoder().decode([String: [String: Entry]].self, from: data)
    }

    /// Every tensor reachable through dicts from `value`, by dotted path.
    static func tensors(in value: PickleValue, prefix: String = "", depth: Int = 0) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        guard depth < 8 else { return out }
        switch value {
        case .tensor(let t):
            out[prefix] = t
        case .dict(let dict):
            for (key, v) in dict.entries {
                guard case .string(let k) = key else { continue }
                out.merge(tensors(in: v, prefix: prefix.isEmpty ? k : prefix + "." + k, depth: depth + 1)) { a, _ in a }
            }
        default:
            break
        }
        return out
    }

    /// Checks `tensor` against `entry`; returns a description of the first mismatch or nil.
    ///
    /// Tolerances: shape, dtype and the first values must match exactly (the stored values are
    /// exactly representable in float64); sum and sum of squares within 1e-9 relative to the sum of
    /// absolute values (only the summation order differs from the reference's float64 sums).
    static func mismatch(_ tensor: Tensor, _ entry: Entry) throws -> String? {
        if tensor.shape != entry.shape { return "shape \(tensor.shape) != \(entry.shape)" }
        if tensor.dtype.rawValue != entry.dtype { return "dtype \(tensor.dtype) != \(entry.dtype)" }
        let values = try tensor.toArray(Double.self)
        var sum = 0.0, sumsq = 0.0, sumAbs = 0.0
        for v in values {
            sum += v
            sumsq += v * v
            sumAbs += abs(v)
        }
        if abs(sum - entry.sum) > 1e-9 * (sumAbs + 1) { return "sum \(sum) != \(entry.sum)" }
        if abs(sumsq - entry.sumsq) > 1e-9 * (sumsq + 1) { return "sumsq \(sumsq) != \(entry.sumsq)" }
        let first = Array(values.prefix(entry.first.count))
        if first != entry.first { return "first values \(first) != \(entry.first)" }
        return nil
    }
}
