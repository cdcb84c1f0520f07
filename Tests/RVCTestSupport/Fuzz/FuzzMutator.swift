import RVCBench

/// Deterministic byte-level mutations of fixture files for the fuzz suites: bit flips, byte and
/// run overwrites, length fields set to extremes, truncation, deletion, duplication and splices from
/// other seeds. Positions favour the seed's `hot` ranges (headers, directories, pickles), where the
/// structure a reader trusts lives.
public struct FuzzMutator {
    /// A file to mutate, with the byte ranges worth aiming at.
    public struct Seed: Sendable {
        public var label: String
        public var bytes: [UInt8]
        /// Ranges holding structure (empty: the whole file).
        public var hot: [Range<Int>]

        public init(_ label: String, _ bytes: [UInt8], hot: [Range<Int>] = []) {
            self.label = label
            self.bytes = bytes
            self.hot = hot.map { $0.clamped(to: 0..<bytes.count) }.filter { !$0.isEmpty }
        }
    }

    /// The kinds of mutation, each picked with equal probability.
    public enum Kind: CaseIterable, Sendable {
        case flipBits, setBytes, extremeBytes, extremeLengthField, truncate, deleteRun, duplicateRun,
            overwriteRun, spliceOtherSeed, insertRandom
    }

    /// A mutation that knows the format (for example one that swaps a JSON value for another and
    /// keeps the text valid), drawing its choices from the mutator it is given.
    public typealias Structural = ([UInt8], inout FuzzMutator) -> [UInt8]

    private var rng: SplitMix64
    private let seeds: [Seed]
    private let structural: Structural?

    /// A mutator drawing from `seeds` with the generator seeded by `seed` (same seed, same inputs);
    /// when `structural` is given, half the inputs get 1 to 3 of it instead of byte mutations.
    public init(seeds: [Seed], seed: UInt64, structural: Structural? = nil) {
        precondition(!seeds.isEmpty, "a fuzz target needs at least one seed file")
        self.seeds = seeds
        self.structural = structural
        rng = SplitMix64(seed: seed)
    }

    /// The next input: a seed with 1 to 4 mutations applied, and the seed's label.
    public mutating func next() -> (label: String, bytes: [UInt8]) {
        let seed = seeds[below(seeds.count)]
        var bytes = seed.bytes
        if let structural, below(2) == 0 {
            for _ in 0..<(1 + below(3)) { bytes = structural(bytes, &self) }
            return (seed.label, bytes)
        }
        for _ in 0..<(1 + below(4)) {
            mutate(&bytes, seed)
            if bytes.isEmpty { break }
        }
        return (seed.label, bytes)
    }

    /// A uniform integer in `0..<n` (0 when n ≤ 0).
    public mutating func below(_ n: Int) -> Int {
        n > 0 ? Int(rng.next() % UInt64(n)) : 0
    }

    /// A position in `bytes`, inside a hot range two times out of three.
    private mutating func position(_ bytes: [UInt8], _ seed: Seed) -> Int {
        if !seed.hot.isEmpty, below(3) != 0 {
            let range = seed.hot[below(seed.hot.count)]
            if range.lowerBound < bytes.count {
                return range.lowerBound + below(min(range.upperBound, bytes.count) - range.lowerBound)
            }
        }
        return below(bytes.count)
    }

    private mutating func mutate(_ bytes: inout [UInt8], _ seed: Seed) {
        guard !bytes.isEmpty else { return }
        switch Kind.allCases[below(Kind.allCases.count)] {
        case .flipBits:
            for _ in 0..<(1 + below(4)) {
                let at = position(bytes, seed)
                bytes[at] ^= 1 << UInt8(below(8))
            }
        case .setBytes:
            for _ in 0..<(1 + below(4)) {
                let at = position(bytes, seed)
                bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            }
        case .extremeBytes:
            let at = position(bytes, seed)
            bytes[at] = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE][below(6)]
        case .extremeLengthField:
            // A 2-, 4- or 8-byte little-endian field at an aligned position set to an extreme.
            let width = [2, 4, 8][below(3)]
            let at = position(bytes, seed) / width * width
            guard at + width <= bytes.count else { return }
            let value: UInt64 = [0, 1, UInt64.max, UInt64.max >> 1, 1 << 63, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF][below(9)]
            for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        case .truncate:
            bytes.removeSubrange(position(bytes, seed)...)
        case .deleteRun:
            let start = position(bytes, seed)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(256)))
        case .duplicateRun:
            let start = position(bytes, seed)
            let run = Array(bytes[start..<min(bytes.count, start + 1 + below(256))])
            bytes.insert(contentsOf: run, at: position(bytes, seed))
        case .overwriteRun:
            let start = position(bytes, seed)
            for i in start..<min(bytes.count, start + 1 + below(64)) { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
        case .spliceOtherSeed:
            let other = seeds[below(seeds.count)].bytes
            guard !other.isEmpty else { return }
            let from = below(other.count)
            let run = other[from..<min(other.count, from + 1 + below(512))]
            let at = position(bytes, seed)
            if below(2) == 0 {
                bytes.insert(contentsOf: run, at: at)
            } else {
                bytes.replaceSubrange(at..<min(bytes.count, at + run.count), with: run)
            }
        case .insertRandom:
            let run = (0..<(1 + below(16))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes.insert(contentsOf: run, at: position(bytes, seed))
        }
    }
}
