/// A retrieval index could not be built or searched.
public enum FeatureIndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The index's own data is inconsistent (sizes that do not add up, no lists, ...).
    case invalid(String)
    /// Query vectors have `actual` channels, the index stores `expected`.
    case dimension(expected: Int, actual: Int)
    /// Queries are not a [n, D] matrix.
    case queryShape([Int])

    public var description: String {
        switch self {
        case .invalid(let why): return "invalid feature index: \(why)"
        case .dimension(let expected, let actual):
            return "query vectors have \(actual) dimensions but the index stores \(expected)-dimensional vectors"
        case .queryShape(let shape): return "queries have shape \(shape), expected [count, dimension]"
        }
    }
}
