/// Parses fairseq's `conv_feature_layers` strings such as
/// `"[(512,10,5)] + [(512,3,2)] * 4 + [(512,2,2)] * 2"` without evaluating anything.
///
/// Grammar: `sum := term ('+' term)*`, `term := list ('*' int)?`, `list := '[' (tuple (',' tuple)*)? ','? ']'`,
/// `tuple := '(' int ',' int ',' int ','? ')'`; whitespace anywhere.
struct ConvLayerSpec {
    /// A spec could not be parsed; `message` says what and where.
    struct ParseError: Error { let message: String }

    /// Most layers a spec may expand to (real extractors have 7).
    static let maxLayers = 1024

    private let chars: [Character]
    private var position = 0

    private init(_ text: String) { chars = Array(text) }

    /// The layers the expression denotes.
    static func parse(_ text: String) throws -> [HuBERTConfig.ConvLayer] {
        var parser = ConvLayerSpec(text)
        let layers = try parser.sum()
        parser.skipSpaces()
        guard parser.position == parser.chars.count else { throw parser.error("unexpected text") }
        guard !layers.isEmpty else { throw ParseError(message: "no layers") }
        return layers
    }

    private func error(_ message: String) -> ParseError {
        ParseError(message: "\(message) at character \(position)")
    }

    private mutating func skipSpaces() {
        while position < chars.count, chars[position].isWhitespace { position += 1 }
    }

    private mutating func accept(_ c: Character) -> Bool {
        skipSpaces()
        if position < chars.count, chars[position] == c {
            position += 1
            return true
        }
        return false
    }

    private mutating func expect(_ c: Character) throws {
        guard accept(c) else { throw error("expected '\(c)'") }
    }

    private mutating func integer() throws -> Int {
        skipSpaces()
        var digits = ""
        while position < chars.count, chars[position].isASCII, chars[position].isNumber, digits.count < 9 {
            digits.append(chars[position])
            position += 1
        }
        guard let value = Int(digits) else { throw error("expected a number") }
        return value
    }

    private mutating func sum() throws -> [HuBERTConfig.ConvLayer] {
        var layers = try term()
        while accept("+") {
            layers += try term()
            guard layers.count <= Self.maxLayers else { throw error("more than \(Self.maxLayers) layers") }
        }
        return layers
    }

    private mutating func term() throws -> [HuBERTConfig.ConvLayer] {
        let items = try list()
        guard accept("*") else { return items }
        let count = try integer()
        guard items.count * count <= Self.maxLayers else { throw error("more than \(Self.maxLayers) layers") }
        return Array([[HuBERTConfig.ConvLayer]](repeating: items, count: count).joined())
    }

    private mutating func list() throws -> [HuBERTConfig.ConvLayer] {
        try expect("[")
        var items: [HuBERTConfig.ConvLayer] = []
        if accept("]") { return items }
        repeat {
            skipSpaces()
            if position < chars.count, chars[position] == "]" { break }  // trailing comma
            try expect("(")
            let channels = try integer()
            try expect(",")
            let kernel = try integer()
            try expect(",")
            let stride = try integer()
            _ = accept(",")
            try expect(")")
            guard channels > 0, kernel > 0, stride > 0 else { throw error("sizes must be positive") }
            items.append(HuBERTConfig.ConvLayer(channels: channels, kernel: kernel, stride: stride))
            guard items.count <= Self.maxLayers else { throw error("more than \(Self.maxLayers) layers") }
        } while accept(",")
        try expect("]")
        return items
    }
}
