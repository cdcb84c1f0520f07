import Foundation

/// A PyTorch checkpoint (`torch.save` zip format), decoded safely into a ``PickleValue`` tree.
///
/// The file is memory-mapped once; tensors borrow their bytes from the mapping without copying
/// (the mapping lives as long as any tensor does). A storage is copied only when it cannot be used
/// in place: a payload not aligned to its element size, or a big-endian archive. Nothing in the file
/// is ever executed; see ``PickleValue``.
public struct TorchCheckpoint: Sendable {
    /// The file it was read from.
    public let url: URL
    /// The decoded top-level object.
    public let root: PickleValue
    /// The archive's top-level folder name (torch uses the file stem; any name is accepted).
    public let archiveName: String
    /// Contents of `<archive>/version` (e.g. "3"), if present.
    public let formatVersion: String?
    /// Contents of `<archive>/byteorder` ("little" when absent).
    public let byteOrder: String
    /// The file length in bytes.
    public let fileSize: Int

    /// The first bytes of a zip local file header.
    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    /// The first bytes of a legacy checkpoint: PROTO 2 then LONG1 of the magic number 0x1950a86a20f9469cfc6c
    /// (torch/serialization.py `MAGIC_NUMBER`).
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// Reads and decodes the checkpoint at `url`.
    /// - Throws: ``CheckpointError`` naming the file: I/O failures, legacy or unknown formats,
    ///   damaged or unsafe archives, pickles that name a forbidden global or use a forbidden opcode
    ///   (naming it and the archive member), invalid pickles, exceeded ``PickleLimits``,
    ///   inconsistent storages.
    public static func load(_ url: URL, limits: PickleLimits = .default) throws -> TorchCheckpoint {
        let file = try MappedFile(url)
        return try load(file, url: url, limits: limits)
    }

    static func load(_ file: MappedFile, url: URL, limits: PickleLimits) throws -> TorchCheckpoint {
        let path = url.path
        let bytes = file.bytes
        guard bytes.count >= 4, Array(bytes[0..<4]) == zipMagic else {
            throw LegacyCheckpointScanner.refusal(file, limits: limits)
        }
        let archive = try ZipArchive(file)
        guard let pickleName = archive.names.first(where: { name in
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl"
        }) ?? archive.names.first(where: { $0 == "data.pkl" }) else {
            throw CheckpointError.missingEntry(file: path, entry: "<archive>/data.pkl")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        func text(_ name: String) throws -> String? {
            guard let entry = archive.entries[prefix + name], entry.size <= 64 else { return nil }
            return String(decoding: try archive.data(of: entry, in: file), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let byteOrder = try text("byteorder") ?? "little"
        guard byteOrder == "little" || byteOrder == "big" else {
            throw CheckpointError.structure(file: path, field: "byteorder", message: "unknown byte order '\(byteOrder)'")
        }
        let version = try text("version") ?? text(".data/version")
        guard let pickleEntry = archive.entries[pickleName] else {
            throw CheckpointError.missingEntry(file: path, entry: pickleName)
        }
        guard pickleEntry.size <= limits.maxPickleBytes else {
            throw CheckpointError.limitExceeded(
                file: path, what: "\(CheckpointError.printable(pickleName)) size in bytes", limit: limits.maxPickleBytes)
        }
        let pickle = try archive.data(of: pickleEntry, in: file)

        let storages = StorageTable(file: file, archive: archive, prefix: prefix, bigEndian: byteOrder == "big")
        var machine = PickleMachine(
            file: path, member: pickleName, limits: limits,
            resolveStorage: { key, dtype, numel in try storages.resolve(key: key, dtype: dtype, numel: numel) },
            makeTensor: { ref in try storages.tensor(ref) })
        let top = try machine.run(pickle)
        let root = try machine.tree(top)
        return TorchCheckpoint(
            url: url, root: root, archiveName: String(prefix.dropLast()), formatVersion: version,
            byteOrder: byteOrder, fileSize: file.count)
    }
}

/// Resolves storage keys to payloads of the archive and makes tensors over them, caching one
/// backing (the mapping itself or one aligned copy) per key so views share their storage.
final class StorageTable: @unchecked Sendable {
    private let file: MappedFile
    private let archive: ZipArchive
    private let prefix: String
    private let bigEndian: Bool
    private var dtypes: [String: DType] = [:]
    /// Storages that had to be copied (misaligned or byte-swapped), by key.
    private var copies: [String: AlignedBuffer] = [:]

    init(file: MappedFile, archive: ZipArchive, prefix: String, bigEndian: Bool) {
        self.file = file
        self.archive = archive
        self.prefix = prefix
        self.bigEndian = bigEndian
    }

    func resolve(key: String, dtype: DType, numel: Int) throws -> PickleMachine.StorageRef {
        let name = prefix + "data/" + key
        guard let entry = archive.entries[name] else {
            throw CheckpointError.missingEntry(file: file.path, entry: name)
        }
        if let known = dtypes[key], known != dtype {
            throw CheckpointError.storage(file: file.path, key: key, message: "used both as \(known) and \(dtype)")
        }
        let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, bytes <= entry.size else {
            throw CheckpointError.storage(
                file: file.path, key: key,
                message: "declares \(numel) \(dtype) elements but its payload has \(entry.size) bytes")
        }
        _ = try archive.data(of: entry, in: file)  // checks it is stored, not compressed
        dtypes[key] = dtype
        return PickleMachine.StorageRef(key: key, dtype: dtype, numel: numel)
    }

    func tensor(_ ref: PickleMachine.TensorRef) throws -> Tensor {
        let key = ref.storage.key
        let dtype = ref.storage.dtype
        guard let entry = archive.entries[prefix + "data/" + key] else {
            throw CheckpointError.missingEntry(file: file.path, entry: prefix + "data/" + key)
        }
        let payload = try archive.data(of: entry, in: file)
        let base: UnsafeRawPointer
        let owner: AnyObject
        if let copy = copies[key] {
            base = UnsafeRawPointer(copy.pointer)
            owner = copy
        } else if let address = payload.baseAddress,
                  !bigEndian || dtype.byteSize == 1,
                  Int(bitPattern: address) % dtype.byteSize == 0 {
            base = address
            owner = file
        } else {
            let copy = AlignedBuffer(copying: payload)
            if bigEndian { copy.swapBytes(elementWidth: dtype == .complex64 ? 4 : dtype.byteSize) }
            copies[key] = copy
            base = UnsafeRawPointer(copy.pointer)
            owner = copy
        }
        do {
            return try Tensor(
                borrowing: base + (ref.shape.contains(0) ? 0 : ref.offset) * dtype.byteSize, shape: ref.shape, strides: ref.strides,
                dtype: dtype, owner: owner)
        } catch {
            throw CheckpointError.storage(file: file.path, key: key, message: "cannot create tensor: \(error)")
        }
    }
}
