import Foundation

/// The end-to-end cases of a parity fixture folder's `manifest.json`.
public struct ParityManifest: Sendable {
    /// One conversion the reference ran: its model, options, input and output files.
    public struct Case: Sendable, Decodable {
        public var name: String = ""
        public let model: String
        public let index: String?
        public let f0: Int
        public let tgtSr: Int
        public let f0UpKey: Int
        public let indexRate: Double
        public let protect: Double
        public let rmsMixRate: Double
        public let sid: Int
        public let input: String
        public let output: String
        public let segments: Int

        enum CodingKeys: String, CodingKey {
            case model, index, f0, tgtSr, f0UpKey, indexRate, protect, rmsMixRate, sid, input, output, segments
        }
    }

    /// The cases, sorted by name.
    public let cases: [Case]

    /// Reads `manifest.json` in `folder`.
    /// - Throws: ``ParityError/manifest(file:reason:)``.
    public init(folder: URL) throws {
        let url = folder.appendingPathComponent("manifest.json")
        struct Root: Decodable { let cases: [String: Case] }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let root = try decoder.decode(Root.self, from: Data(contentsOf: url))
            cases = root.cases.keys.sorted().compactMap { name in
                root.cases[name].map { var c = $0; c.name = name; return c }
            }
        } catch {
            throw ParityError.manifest(file: url.path, reason: "\(error)")
        }
        guard !cases.isEmpty else { throw ParityError.manifest(file: url.path, reason: "no cases") }
    }
}
