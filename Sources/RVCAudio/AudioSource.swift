import Foundation

/// Where encoded audio comes from: a file (read in place, streamed) or bytes in memory.
enum AudioSource {
    case file(URL)
    case memory(Data, name: String)

    /// The name used in errors: the file's path, or the name given for in-memory data.
    var name: String {
        switch self {
        case .file(let url): return url.isFileURL ? url.path : url.absoluteString
        case .memory(_, let name): return name
        }
    }

    /// Size in bytes.
    func size() throws -> Int {
        switch self {
        case .memory(let data, _):
            return data.count
        case .file(let url):
            do {
                let values = try url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
                guard values.isRegularFile == true else {
                    throw AudioError.unreadable(file: name, reason: "not a regular file")
                }
                return values.fileSize ?? 0
            } catch let error as AudioError {
                throw error
            } catch {
                throw AudioError.unreadable(file: name, reason: Self.reason(error))
            }
        }
    }

    /// Detects the container from the content.
    func detect() throws -> DetectedContainer {
        switch self {
        case .memory(let data, _):
            return ContainerSniffer.detect { offset, count in
                guard offset < data.count else { return [] }
                let start = data.startIndex + offset
                return Array(data[start..<min(data.endIndex, start + count)])
            }
        case .file(let url):
            let handle: FileHandle
            do {
                handle = try FileHandle(forReadingFrom: url)
            } catch {
                throw AudioError.unreadable(file: name, reason: Self.reason(error))
            }
            defer { try? handle.close() }
            do {
                return try ContainerSniffer.detect { offset, count in
                    try handle.seek(toOffset: UInt64(offset))
                    return Array(try handle.read(upToCount: count) ?? Data())
                }
            } catch {
                throw AudioError.unreadable(file: name, reason: Self.reason(error))
            }
        }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
