import Testing
@testable import RVCCore

/// Asserts two float sequences agree within an absolute tolerance, naming the first mismatch.
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "count \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(Swift.abs(a - e) <= tolerance) {
        Issue.record("element \(i): \(a) vs expected \(e)", sourceLocation: sourceLocation)
        return
    }
}

func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "count \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(Swift.abs(a - e) <= tolerance) {
        Issue.record("element \(i): \(a) vs expected \(e)", sourceLocation: sourceLocation)
        return
    }
}

/// Asserts that `body` throws a ``TorchError`` whose operation contains `operation`.
func expectTorchError(_ operation: String, kind: TorchError.Kind? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Any) {
    do {
        _ = try body()
        Issue.record("expected \(operation) to fail", sourceLocation: sourceLocation)
    } catch let error as TorchError {
        #expect(error.operation.contains(operation), "operation was \(error.operation)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, "LibTorch's message is carried", sourceLocation: sourceLocation)
        if let kind { #expect(error.kind == kind, "kind was \(error.kind): \(error.message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

/// A deterministic pseudo-random sequence in [-1, 1) for op tests.
func pseudoRandom(_ count: Int, seed: UInt64 = 1) -> [Float] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Double(state >> 11) / Double(1 << 53) * 2 - 1)
    }
}
