import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The request body being sent: bytes in memory or an open file.
enum UploadSource {
    case data(Data, offset: Int)
    case file(descriptor: Int32, size: Int64)

    static func open(_ path: String) throws(StorageError) -> UploadSource {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .fileSystem(path: path, operation: "open for upload", message: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let message = String(cString: strerror(errno))
            _ = Glibc.close(descriptor)
            throw .fileSystem(path: path, operation: "stat", message: message)
        }
        return .file(descriptor: descriptor, size: Int64(info.st_size))
    }

    var size: Int64 {
        switch self {
        case .data(let data, _): return Int64(data.count)
        case .file(_, let size): return size
        }
    }

    /// Copies the next bytes into `buffer`; 0 at the end, nil on a read error.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        switch self {
        case .data(let data, let offset):
            let count = min(buffer.count, data.count - offset)
            guard count > 0 else { return 0 }
            data.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
            }
            self = .data(data, offset: offset + count)
            return count
        case .file(let descriptor, _):
            while true {
                let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
                if count < 0 && errno == EINTR { continue }
                return count < 0 ? nil : count
            }
        }
    }

    func close() {
        if case .file(let descriptor, _) = self { _ = Glibc.close(descriptor) }
    }
}
