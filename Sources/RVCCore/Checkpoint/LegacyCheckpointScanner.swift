/// Decides how a file that is not a zip archive is refused, after looking inside it: the pickles of
/// a legacy checkpoint (the pre-1.6 stream of consecutive pickles, or the older tar archive) and of a
/// bare pickle are run through ``PickleMachine`` (which never runs anything either), so a file that
/// names a forbidden global is reported as hostile rather than as merely old, and the advice to
/// re-save a legacy file with torch is only given for files whose pickles are clean.
enum LegacyCheckpointScanner {
    /// Pickles of the legacy stream: magic number, protocol version, sys_info, the object, the
    /// storage keys (torch/serialization.py `_legacy_save`); raw storage bytes follow.
    static let legacyStreamPickles = 5

    /// The error for the non-zip `file`: ``CheckpointError/forbiddenGlobal(file:member:offset:global:)``
    /// or ``CheckpointError/forbiddenOpcode(file:member:offset:opcode:)`` when a pickle in it uses
    /// one, else ``CheckpointError/legacyFormat(file:)`` or ``CheckpointError/notACheckpoint(file:message:)``.
    static func refusal(_ file: MappedFile, limits: PickleLimits) -> CheckpointError {
        let bytes = file.bytes
        let path = file.path
        let magic = TorchCheckpoint.legacyMagic
        if bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic {
            return scan(bytes, pickles: legacyStreamPickles, file: path, limits: limits) {
                "pickle \($0) of the legacy stream"
            } ?? .legacyFormat(file: path)
        }
        if let tar = TarArchive(bytes) {
            for name in ["sys_info", "pickle"] {
                guard let member = tar.members[name] else { continue }
                if let hostile = scan(member, pickles: 1, file: path, limits: limits, label: { _ in "tar member '\(name)'" }) {
                    return hostile
                }
            }
            return .legacyFormat(file: path)
        }
        if TarArchive.isTar(bytes) { return .legacyFormat(file: path) }
        if bytes.first == PickleOpcode.proto.rawValue {
            return scan(bytes, pickles: 1, file: path, limits: limits) { _ in "the bare pickle" }
                ?? .notACheckpoint(
                    file: path, message: "it is a bare pickle, not the zip archive torch.save has written since torch 1.6")
        }
        return .notACheckpoint(file: path, message: "it does not start with a zip header")
    }

    /// Runs up to `pickles` consecutive pickles from the start of `bytes`; the first forbidden global
    /// or opcode found, or nil (clean, or malformed before one was found).
    private static func scan(
        _ bytes: UnsafeRawBufferPointer, pickles: Int, file: String, limits: PickleLimits,
        label: (Int) -> String
    ) -> CheckpointError? {
        var offset = 0
        for index in 1...pickles {
            guard offset < bytes.count else { return nil }
            let end = offset + min(bytes.count - offset, limits.maxPickleBytes)
            var machine = PickleMachine(
                file: file, member: label(index), limits: limits,
                // Declared sizes are taken as given: nothing is read from the storages.
                resolveStorage: { key, dtype, numel in PickleMachine.StorageRef(key: key, dtype: dtype, numel: numel) },
                makeTensor: { _ in throw PickleFault.malformed("legacy tensors are not decoded") })
            do {
                _ = try machine.run(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            } catch let error as CheckpointError {
                switch error {
                case .forbiddenGlobal, .forbiddenOpcode: return error
                default: return nil
                }
            } catch {
                return nil
            }
            offset += machine.consumed
        }
        return nil
    }
}
