import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Small blocking file operations with errors naming the path.
enum FileWriter {
    /// Writes `data` to `path` (created or truncated) and fsyncs it.
    static func write(_ data: Data, to path: String) throws(StorageError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(path, "create") }
        defer { _ = close(descriptor) }
        var failed = false
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                offset += written
            }
        }
        if failed { throw failure(path, "write") }
        try sync(descriptor, path: path)
    }

    /// Flushes a file's data to disk.
    static func sync(_ descriptor: Int32, path: String) throws(StorageError) {
        guard fsync(descriptor) == 0 else { throw failure(path, "fsync") }
    }

    /// Flushes a directory, so that a rename into it survives a crash.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    static func failure(_ path: String, _ operation: String) -> StorageError {
        .fileSystem(path: path, operation: operation, message: String(cString: strerror(errno)))
    }
}
