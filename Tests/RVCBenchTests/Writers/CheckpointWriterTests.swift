import Foundation
import RVCTestSupport
import Testing
import RVCBench
import RVCCore

@Suite("CheckpointWriter round trips through TorchCheckpoint")
struct CheckpointWriterTests {
    @Test("values of every kind and tensors of every dtype come back unchanged", arguments: [false, true])
    func roundTrip(zip64: Bool) throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("round.pth")
        let floats = try Tensor([Float](stride(from: -1, to: 1, by: 0.125)), shape: [4, 4])
        let tensors: [(String, Tensor)] = [
            ("f32", floats),
            ("f16", try floats.to(dtype: .float16)),
            ("bf16", try floats.to(dtype: .bfloat16)),
            ("f64", try floats.to(dtype: .float64)),
            ("i64", try Tensor([Int64.min, -1, 0, Int64.max])),
            ("i32", try Tensor([Int32.min, 7])),
            ("i16", try Tensor([Int16(-3), 3])),
            ("i8", try Tensor([Int8(-128), 127])),
            ("u8", try Tensor([UInt8(0), 255])),
            ("bool", try Tensor([true, false, true])),
            ("scalar", try Tensor(scalar: Int64(5))),
            ("transposed", try floats.transposed(0, 1)),
        ]
        let root: CheckpointWriter.Value = .orderedDict([
            ("weight", .dict(tensors.map { ($0.0, .tensor($0.1)) })),
            ("config", .list([.int(1025), .int(-70000), .int(1 << 40), .float(0.25), .string("1"), .list([.list([.int(1), .int(3)])]), .tuple([.int(1), .int(2), .int(3), .int(4)])])),
            ("info", .string("300epoch ✓")),
            ("flags", .tuple([.bool(true), .bool(false), .none])),
        ])
        try CheckpointWriter(archiveName: "custom_name", forceZip64: zip64).write(root, to: url)
        let checkpoint = try TorchCheckpoint.load(url)
        #expect(checkpoint.archiveName == "custom_name")
        guard case .dict(let weights)? = checkpoint.root["weight"] else {
            Issue.record("weight is not a dict")
            return
        }
        for (name, original) in tensors {
            let loaded = try #require(weights[name]?.tensorValue, "\(name)")
            #expect(loaded.dtype == original.dtype, "\(name)")
            #expect(loaded.shape == original.shape, "\(name)")
            #expect(try loaded.toArray(Double.self) == original.toArray(Double.self), "\(name)")
        }
        let config = try #require(checkpoint.root["config"]?.elements)
        #expect(config[0].intValue == 1025)
        #expect(config[1].intValue == -70000)
        #expect(config[2].intValue == 1 << 40)
        #expect(config[3].doubleValue == 0.25)
        #expect(config[4].stringValue == "1")
        #expect(config[5].elements?.first?.elements?.compactMap(\.intValue) == [1, 3])
        #expect(config[6].elements?.compactMap(\.intValue) == [1, 2, 3, 4])
        #expect(checkpoint.root["info"]?.stringValue == "300epoch ✓")
    }

    @Test("payloads start on 64-byte boundaries")
    func payloadsAreAligned() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("aligned.pt")
        try CheckpointWriter().write(
            .dict([("a", .tensor(try Tensor([Float](repeating: 1, count: 3)))), ("b", .tensor(try Tensor([Int8(1)])))]),
            to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        // Every local header's data offset (30 + name + extra) must be a multiple of 64.
        var offset = 0
        var checked = 0
        while offset + 30 <= bytes.count, bytes[offset..<(offset + 4)] == [0x50, 0x4B, 0x03, 0x04] {
            let nameLength = Int(bytes[offset + 26]) | Int(bytes[offset + 27]) << 8
            let extraLength = Int(bytes[offset + 28]) | Int(bytes[offset + 29]) << 8
            let size = Int(bytes[offset + 18]) | Int(bytes[offset + 19]) << 8 | Int(bytes[offset + 20]) << 16
            let data = offset + 30 + nameLength + extraLength
            #expect(data % 64 == 0)
            offset = data + size
            checked += 1
        }
        #expect(checked == 5)  // data.pkl, byteorder, two storages, version
    }

    @Test("views sharing one storage keep their offsets and strides")
    func sharedStorageViews() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("views.pt")
        let values: [Float] = (0..<12).map(Float.init)
        let bytes = values.withUnsafeBytes { Array($0) }
        try CheckpointWriter().write(
            .dict([
                ("whole", .storageView(key: "0", dtype: .float32, numel: 12, offset: 0, shape: [3, 4], strides: [4, 1])),
                ("transposed", .storageView(key: "0", dtype: .float32, numel: 12, offset: 0, shape: [4, 3], strides: [1, 4])),
                ("row1", .storageView(key: "0", dtype: .float32, numel: 12, offset: 4, shape: [4], strides: [1])),
                ("column2", .storageView(key: "0", dtype: .float32, numel: 12, offset: 2, shape: [3], strides: [4])),
            ]), storages: [("0", bytes)], to: url)
        let root = try TorchCheckpoint.load(url).root
        #expect(try root["whole"]?.tensorValue?.toArray(Float.self) == values)
        #expect(try root["transposed"]?.tensorValue?.toArray(Float.self) == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        #expect(try root["row1"]?.tensorValue?.toArray(Float.self) == [4, 5, 6, 7])
        #expect(try root["column2"]?.tensorValue?.toArray(Float.self) == [2, 6, 10])
    }
}

@Suite("TorchCheckpoint byte order")
struct ByteOrderTests {
    @Test("a big-endian archive is byte-swapped into native tensors")
    func readsBigEndianStorages() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("big.pt")
        let values: [Float] = [1.5, -2, 1e-3, 65504]
        let bigEndian = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        try CheckpointWriter().write(
            .dict([("t", .storageView(key: "0", dtype: .float32, numel: 4, offset: 0, shape: [4], strides: [1]))]),
            storages: [("0", bigEndian)], to: url)
        // Rewrite the 6-byte "little" payload as "big" plus blanks (the reader trims whitespace).
        var bytes = [UInt8](try Data(contentsOf: url))
        let little = Array("little".utf8)
        let position = try #require((0...(bytes.count - 6)).first { Array(bytes[$0..<($0 + 6)]) == little })
        bytes.replaceSubrange(position..<(position + 6), with: Array("big   ".utf8))
        let patched = try dir.write(bytes, "big2.pt")
        let checkpoint = try TorchCheckpoint.load(patched)
        #expect(checkpoint.byteOrder == "big")
        #expect(try checkpoint.root["t"]?.tensorValue?.toArray(Float.self) == values)
    }
}
