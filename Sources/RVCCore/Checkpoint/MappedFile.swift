import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private memory mapping of a whole file. The one owner of the mapping: it unmaps in `deinit`.
/// Zero-copy tensors keep it alive as their owner, so the bytes stay valid as long as any tensor
/// borrowing them exists.
///
/// The mapping is private and writable: an in-place operation on a borrowed tensor gets its own
/// copy-on-write pages instead of faulting, and never reaches the file. The file must not be
/// truncated by someone else while mapped (that would fault on access).
final class MappedFile: @unchecked Sendable {
    /// Base address, nil for an empty file.
    let base: UnsafeRawPointer?
    /// File length in bytes.
    let count: Int
    /// The file's path, for messages.
    let path: String

    /// Maps `url` (opened read-only).
    /// - Throws: ``CheckpointError/io(file:message:)`` when the file cannot be opened, is not a
    ///   regular file or cannot be mapped.
    init(_ url: URL) throws {
        path = url.path
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CheckpointError.io(file: url.path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw CheckpointError.io(file: url.path, message: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.io(file: url.path, message: "not a regular file")
        }
        let size = Int(info.st_size)
        count = size
        if size == 0 {
            base = nil
            return
        }
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw CheckpointError.io(file: url.path, message: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The whole file.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
