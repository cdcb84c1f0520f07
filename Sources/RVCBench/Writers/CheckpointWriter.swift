import Foundation
import RVCCore

/// Writes PyTorch zip checkpoints (the format `torch.save` produces and ``TorchCheckpoint`` reads):
/// stored entries, payloads aligned to 64 bytes through padding in the local extra field, a protocol-2
/// `data.pkl`, `version` and `byteorder`, ZIP64 records when sizes need them.
///
/// Used to write full-size random-weight models for benchmarks and to craft test files. Tensors are
/// written contiguous in their own dtype, one storage each.
public struct CheckpointWriter: Sendable {
    /// A value tree to pickle.
    public indirect enum Value: Sendable {
        case none
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
        case list([Value])
        case tuple([Value])
        /// A plain dict with string keys, in order.
        case dict([(String, Value)])
        /// A `collections.OrderedDict` with string keys, in order.
        case orderedDict([(String, Value)])
        /// A tensor, written as its own storage.
        case tensor(Tensor)
        /// A view of a storage written separately (see ``write(_:storages:to:)``): dtype, storage
        /// element count, offset, size and stride in elements. For views sharing a storage and for
        /// crafting inconsistent files in tests.
        case storageView(key: String, dtype: DType, numel: Int, offset: Int, shape: [Int], strides: [Int])
        /// An instance of class `module.name` built with NEWOBJ(args) and, when given, BUILD(state).
        case object(module: String, name: String, args: [Value], state: Value?)
        /// A call `module.name(*args)` (REDUCE) — what a malicious pickle uses; for tests.
        case reduce(module: String, name: String, args: [Value])
    }

    /// The archive's top-level folder name (torch uses the file stem).
    public var archiveName: String
    /// Write ZIP64 records even when the sizes do not need them.
    public var forceZip64: Bool

    /// Payload alignment in bytes (torch's `serialization` writer pads to 64).
    static let alignment = 64

    public init(archiveName: String = "archive", forceZip64: Bool = false) {
        self.archiveName = archiveName
        self.forceZip64 = forceZip64
    }

    /// Writes `root` as a checkpoint at `url`, replacing any file there.
    /// - Throws: ``CheckpointError/io(file:message:)`` on write failures, ``TorchError`` when a
    ///   tensor cannot be made contiguous.
    public func write(_ root: Value, to url: URL) throws {
        var encoder = PickleEncoder()
        try encoder.encodeTop(root)
        try write(pickle: encoder.bytes, storages: encoder.storages, to: url)
    }

    /// Writes `root` with additional raw storages (for ``Value/storageView(key:dtype:numel:offset:shape:strides:)``).
    public func write(_ root: Value, storages: [(key: String, bytes: [UInt8])], to url: URL) throws {
        var encoder = PickleEncoder()
        try encoder.encodeTop(root)
        var all = encoder.storages
        for (key, bytes) in storages { all.append((key, .bytes(bytes))) }
        try write(pickle: encoder.bytes, storages: all, to: url)
    }

    /// Writes an archive whose `data.pkl` is exactly `pickle` (for tests of hostile programs).
    public func write(pickle: [UInt8], storages: [(key: String, bytes: [UInt8])] = [], to url: URL) throws {
        try write(pickle: pickle, storages: storages.map { ($0.key, .bytes($0.bytes)) }, to: url)
    }

    enum Payload {
        case bytes([UInt8])
        case tensor(Tensor)
    }

    private func write(pickle: [UInt8], storages: [(String, Payload)], to url: URL) throws {
        let path = url.path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw CheckpointError.io(file: path, message: "cannot create the file") }
        defer { try? handle.close() }
        var zip = ZipWriter(handle: handle, path: path, forceZip64: forceZip64)
        let p = archiveName + "/"
        try zip.add(p + "data.pkl", .bytes(pickle))
        try zip.add(p + "byteorder", .bytes(Array("little".utf8)))
        for (key, payload) in storages { try zip.add(p + "data/" + key, payload) }
        try zip.add(p + "version", .bytes(Array("3\n".utf8)))
        try zip.finish()
    }
}

/// Emits the protocol-2 pickle of a ``CheckpointWriter/Value`` tree, collecting tensor storages.
struct PickleEncoder {
    var bytes: [UInt8] = []
    var storages: [(String, CheckpointWriter.Payload)] = []

    mutating func encodeTop(_ value: CheckpointWriter.Value) throws {
        bytes = [0x80, 2]
        try encode(value)
        bytes.append(0x2E)  // STOP
    }

    private mutating func op(_ code: UInt8) { bytes.append(code) }

    private mutating func global(_ module: String, _ name: String) {
        op(0x63)
        bytes += Array(module.utf8) + [0x0A] + Array(name.utf8) + [0x0A]
    }

    private mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        op(0x58)
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes += $0 }
        bytes += utf8
    }

    private mutating func int(_ v: Int) {
        if v >= 0, v < 256 {
            bytes += [0x4B, UInt8(v)]
        } else if v >= 0, v < 65536 {
            op(0x4D)
            withUnsafeBytes(of: UInt16(v).littleEndian) { bytes += $0 }
        } else if let small = Int32(exactly: v) {
            op(0x4A)
            withUnsafeBytes(of: small.littleEndian) { bytes += $0 }
        } else {
            bytes += [0x8A, 8]
            withUnsafeBytes(of: Int64(v).littleEndian) { bytes += $0 }
        }
    }

    private mutating func tuple(_ items: [CheckpointWriter.Value]) throws {
        switch items.count {
        case 0: op(0x29)
        case 1...3:
            for item in items { try encode(item) }
            op(0x84 + UInt8(items.count))
        default:
            op(0x28)
            for item in items { try encode(item) }
            op(0x74)
        }
    }

    private mutating func intTuple(_ values: [Int]) throws {
        try tuple(values.map { .int($0) })
    }

    private mutating func items(_ pairs: [(String, CheckpointWriter.Value)]) throws {
        guard !pairs.isEmpty else { return }
        op(0x28)
        for (k, v) in pairs {
            string(k)
            try encode(v)
        }
        op(0x75)
    }

    private mutating func tensorView(key: String, dtype: DType, numel: Int, offset: Int, shape: [Int], strides: [Int]) throws {
        global("torch._utils", "_rebuild_tensor_v2")
        op(0x28)
        // persistent id ('storage', storage_type, key, location, numel)
        op(0x28)
        string("storage")
        global("torch", Self.storageName(dtype))
        string(key)
        string("cpu")
        int(numel)
        op(0x74)
        op(0x51)  // BINPERSID
        int(offset)
        try intTuple(shape)
        try intTuple(strides)
        op(0x89)  // requires_grad False
        global("collections", "OrderedDict")
        op(0x29)
        op(0x52)
        op(0x74)
        op(0x52)
    }

    static func storageName(_ dtype: DType) -> String { dtype.torchStorageName }

    mutating func encode(_ value: CheckpointWriter.Value) throws {
        switch value {
        case .none: op(0x4E)
        case .bool(let b): op(b ? 0x88 : 0x89)
        case .int(let v): int(v)
        case .float(let d):
            op(0x47)
            withUnsafeBytes(of: d.bitPattern.bigEndian) { bytes += $0 }
        case .string(let s): string(s)
        case .list(let items):
            op(0x5D)
            if !items.isEmpty {
                op(0x28)
                for item in items { try encode(item) }
                op(0x65)
            }
        case .tuple(let items): try tuple(items)
        case .dict(let pairs):
            op(0x7D)
            try items(pairs)
        case .orderedDict(let pairs):
            global("collections", "OrderedDict")
            op(0x29)
            op(0x52)
            try items(pairs)
        case .tensor(let tensor):
            let key = String(storages.count)
            let contiguous = try tensor.contiguous()
            storages.append((key, .tensor(contiguous)))
            var strides: [Int] = []
            var step = 1
            for size in contiguous.shape.reversed() {
                strides.insert(step, at: 0)
                step *= max(size, 1)
            }
            try tensorView(
                key: key, dtype: tensor.dtype, numel: contiguous.count, offset: 0, shape: contiguous.shape,
                strides: strides)
        case .storageView(let key, let dtype, let numel, let offset, let shape, let strides):
            try tensorView(key: key, dtype: dtype, numel: numel, offset: offset, shape: shape, strides: strides)
        case .object(let module, let name, let args, let state):
            global(module, name)
            try tuple(args)
            op(0x81)  // NEWOBJ
            if let state {
                try encode(state)
                op(0x62)  // BUILD
            }
        case .reduce(let module, let name, let args):
            global(module, name)
            try tuple(args)
            op(0x52)
        }
    }
}

/// Streams zip members to a file and writes the central directory at the end.
struct ZipWriter {
    private struct Record {
        let name: [UInt8]
        let offset: UInt64
        let size: UInt64
        let crc: UInt32
    }

    let handle: FileHandle
    let path: String
    let forceZip64: Bool
    private var offset: UInt64 = 0
    private var records: [Record] = []

    init(handle: FileHandle, path: String, forceZip64: Bool) {
        self.handle = handle
        self.path = path
        self.forceZip64 = forceZip64
    }

    private mutating func emit(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        do {
            try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
        } catch {
            throw CheckpointError.io(file: path, message: "write failed: \(error)")
        }
        offset += UInt64(bytes.count)
    }

    private mutating func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try emit($0) }
    }

    private static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }

    mutating func add(_ name: String, _ payload: CheckpointWriter.Payload) throws {
        let nameBytes = Array(name.utf8)
        switch payload {
        case .bytes(let data):
            try data.withUnsafeBytes { try add(nameBytes, $0) }
        case .tensor(let tensor):
            try tensor.withUnsafeBytes { try add(nameBytes, $0) }
        }
    }

    private mutating func add(_ name: [UInt8], _ data: UnsafeRawBufferPointer) throws {
        var crc = CRC32()
        crc.update(data)
        let size = UInt64(data.count)
        let zip64 = forceZip64 || size >= 0xFFFF_FFFF || offset >= 0xFFFF_FFFF
        let start = offset
        var extra: [UInt8] = []
        if zip64 { extra += Self.le(UInt16(1)) + Self.le(UInt16(16)) + Self.le(size) + Self.le(size) }
        // Pad with an "FB" extra field so the payload starts on a 64-byte boundary, as torch does.
        let unpadded = Int(start) + 30 + name.count + extra.count + 4
        let padding = (CheckpointWriter.alignment - unpadded % CheckpointWriter.alignment) % CheckpointWriter.alignment
        extra += Self.le(UInt16(0x4246)) + Self.le(UInt16(padding)) + [UInt8](repeating: 0x5A, count: padding)
        var header: [UInt8] = Self.le(UInt32(0x0403_4B50))
        header += Self.le(UInt16(zip64 ? 45 : 20)) + Self.le(UInt16(0)) + Self.le(UInt16(0))
        header += Self.le(UInt16(0)) + Self.le(UInt16(0x21))  // DOS time/date: 1980-01-01
        header += Self.le(crc.value)
        let small = zip64 ? UInt32(0xFFFF_FFFF) : UInt32(size)
        header += Self.le(small) + Self.le(small)
        header += Self.le(UInt16(name.count)) + Self.le(UInt16(extra.count))
        try emit(header + name + extra)
        try emit(data)
        records.append(Record(name: name, offset: start, size: size, crc: crc.value))
    }

    mutating func finish() throws {
        let directoryStart = offset
        var directory: [UInt8] = []
        var anyZip64 = forceZip64
        for r in records {
            let zip64 = forceZip64 || r.size >= 0xFFFF_FFFF || r.offset >= 0xFFFF_FFFF
            anyZip64 = anyZip64 || zip64
            let extra: [UInt8] = zip64
                ? Self.le(UInt16(1)) + Self.le(UInt16(24)) + Self.le(r.size) + Self.le(r.size) + Self.le(r.offset) : []
            directory += Self.le(UInt32(0x0201_4B50))
            directory += Self.le(UInt16(zip64 ? 45 : 20)) + Self.le(UInt16(zip64 ? 45 : 20))
            directory += Self.le(UInt16(0)) + Self.le(UInt16(0)) + Self.le(UInt16(0)) + Self.le(UInt16(0x21))
            directory += Self.le(r.crc)
            let small = zip64 ? UInt32(0xFFFF_FFFF) : UInt32(r.size)
            directory += Self.le(small) + Self.le(small)
            directory += Self.le(UInt16(r.name.count)) + Self.le(UInt16(extra.count)) + Self.le(UInt16(0))
            directory += Self.le(UInt16(0)) + Self.le(UInt16(0)) + Self.le(UInt32(0))
            directory += Self.le(zip64 ? UInt32(0xFFFF_FFFF) : UInt32(r.offset))
            directory += r.name + extra
        }
        try emit(directory)
        let directorySize = UInt64(directory.count)
        let count = UInt64(records.count)
        anyZip64 = anyZip64 || directoryStart >= 0xFFFF_FFFF || count >= 0xFFFF
        var tail: [UInt8] = []
        if anyZip64 {
            let recordStart = offset
            tail += Self.le(UInt32(0x0606_4B50)) + Self.le(UInt64(44))
            tail += Self.le(UInt16(45)) + Self.le(UInt16(45)) + Self.le(UInt32(0)) + Self.le(UInt32(0))
            tail += Self.le(count) + Self.le(count) + Self.le(directorySize) + Self.le(directoryStart)
            tail += Self.le(UInt32(0x0706_4B50)) + Self.le(UInt32(0)) + Self.le(recordStart) + Self.le(UInt32(1))
        }
        tail += Self.le(UInt32(0x0605_4B50)) + Self.le(UInt16(0)) + Self.le(UInt16(0))
        let smallCount = anyZip64 ? UInt16(0xFFFF) : UInt16(count)
        tail += Self.le(smallCount) + Self.le(smallCount)
        tail += Self.le(anyZip64 ? UInt32(0xFFFF_FFFF) : UInt32(directorySize))
        tail += Self.le(anyZip64 ? UInt32(0xFFFF_FFFF) : UInt32(directoryStart))
        tail += Self.le(UInt16(0))
        try emit(tail)
    }
}
