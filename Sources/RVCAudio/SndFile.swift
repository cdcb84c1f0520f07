import CSndFile
import Foundation

/// Owns one libsndfile handle (`SNDFILE*`) and closes it in `deinit`.
///
/// Reads stream from a file path or from a `MemoryStream`; writes go to a `MemoryStream`.
final class SndFile {
    private var handle: OpaquePointer?
    /// Kept alive for the callbacks of a virtual-I/O handle.
    private let stream: MemoryStream?
    let info: SF_INFO
    let name: String

    private init(handle: OpaquePointer, info: SF_INFO, stream: MemoryStream?, name: String) {
        self.handle = handle
        self.info = info
        self.stream = stream
        self.name = name
    }

    deinit {
        if let handle { sf_close(handle) }
    }

    /// Closes the handle now (a writer's bytes are complete only after this); later calls on this
    /// object fail harmlessly.
    func close() throws {
        guard let handle else { return }
        self.handle = nil
        let status = sf_close(handle)
        guard status == 0 else {
            throw AudioError.encodingFailed(file: name, detail: String(cString: sf_error_number(status)))
        }
    }

    /// Opens `source` for reading with libsndfile's own format detection.
    /// - Throws: `AudioError.corrupt` or `.notAudio` with libsndfile's message.
    static func open(reading source: AudioSource) throws -> SndFile {
        var info = SF_INFO()
        let stream: MemoryStream?
        let handle: OpaquePointer?
        switch source {
        case .file(let url):
            stream = nil
            handle = sf_open(url.path, Int32(SFM_READ), &info)
        case .memory(let data, _):
            let memory = MemoryStream(reading: data)
            stream = memory
            var io = virtualIO
            handle = sf_open_virtual(&io, Int32(SFM_READ), &info, memory.opaque)
        }
        guard let handle else {
            let code = sf_error(nil)
            let message = String(cString: sf_strerror(nil))
            if code == Int32(SF_ERR_UNRECOGNISED_FORMAT) {
                throw AudioError.notAudio(file: source.name)
            }
            throw AudioError.corrupt(file: source.name, detail: message)
        }
        return SndFile(handle: handle, info: info, stream: stream, name: source.name)
    }

    /// Opens an in-memory stream for writing `info.format`.
    /// - Throws: `AudioError.unsupportedOutput` when libsndfile rejects the format.
    static func open(writing stream: MemoryStream, info: SF_INFO, format: AudioFormat, name: String)
        throws -> SndFile
    {
        var info = info
        guard sf_format_check(&info) != 0 else {
            throw AudioError.unsupportedOutput(
                file: name, format: format,
                detail: "libsndfile cannot write \(info.channels) channel(s) at "
                    + "\(info.samplerate) Hz in this format")
        }
        var io = virtualIO
        guard let handle = sf_open_virtual(&io, Int32(SFM_WRITE), &info, stream.opaque) else {
            throw AudioError.encodingFailed(file: name, detail: String(cString: sf_strerror(nil)))
        }
        return SndFile(handle: handle, info: info, stream: stream, name: name)
    }

    /// Reads up to `frames` interleaved frames as float (PCM normalised to [-1, 1)); returns the
    /// frames read, 0 at the end.
    func readFloat(into buffer: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        guard let handle else { return 0 }
        return Int(sf_readf_float(handle, buffer, sf_count_t(frames)))
    }

    /// The speaker position of each channel (`SF_CHANNEL_MAP_*`), when the file states them.
    func channelMap() -> [Int32]? {
        guard let handle, info.channels > 0, info.channels <= 64 else { return nil }
        var map = [Int32](repeating: 0, count: Int(info.channels))
        let stated = map.withUnsafeMutableBytes { bytes in
            sf_command(handle, Int32(SFC_GET_CHANNEL_MAP_INFO), bytes.baseAddress, Int32(bytes.count))
        }
        return stated == Int32(SF_TRUE) ? map : nil
    }

    /// The handle's error, if any (nil when none).
    var errorMessage: String? {
        guard let handle else { return nil }
        guard sf_error(handle) != 0 else { return nil }
        return String(cString: sf_strerror(handle))
    }

    /// Sends a command with a Double argument (compression level); true on success.
    @discardableResult
    func command(_ command: Int32, double value: Double) -> Bool {
        var value = value
        guard let handle else { return false }
        return sf_command(handle, command, &value, Int32(MemoryLayout<Double>.size)) == Int32(SF_TRUE)
    }

    /// Sends a command with an Int32 argument (bitrate mode); true on success.
    @discardableResult
    func command(_ command: Int32, int value: Int32) -> Bool {
        var value = value
        guard let handle else { return false }
        return sf_command(handle, command, &value, Int32(MemoryLayout<Int32>.size)) == Int32(SF_TRUE)
    }

    /// Sends a boolean command (clipping, normalisation); returns the previous state.
    @discardableResult
    func command(_ command: Int32, flag: Bool) -> Int32 {
        guard let handle else { return 0 }
        return sf_command(handle, command, nil, flag ? Int32(SF_TRUE) : Int32(SF_FALSE))
    }

    /// Sets a metadata string (`SF_STR_SOFTWARE`, ...); false if the format has no such field.
    @discardableResult
    func setString(_ type: Int32, _ value: String) -> Bool {
        guard let handle else { return false }
        return sf_set_string(handle, type, value) == 0
    }

    /// Writes all frames, throwing on a short write.
    func writeFloat(_ samples: UnsafeBufferPointer<Float>) throws {
        try writeFrames(samples, sf_writef_float)
    }

    /// Writes all frames of 16-bit samples unchanged, throwing on a short write.
    func writeInt16(_ samples: UnsafeBufferPointer<Int16>) throws {
        try writeFrames(samples, sf_writef_short)
    }

    /// Writes the interleaved frames of `samples` with `write` (`sf_writef_float`,
    /// `sf_writef_short`), throwing on a short write.
    private func writeFrames<Sample>(
        _ samples: UnsafeBufferPointer<Sample>,
        _ write: (OpaquePointer?, UnsafePointer<Sample>?, sf_count_t) -> sf_count_t
    ) throws {
        guard let base = samples.baseAddress, let handle else { return }
        let frames = samples.count / Int(info.channels)
        let written = write(handle, base, sf_count_t(frames))
        guard written == frames else {
            throw AudioError.encodingFailed(
                file: name, detail: errorMessage ?? "wrote \(written) of \(frames) frames")
        }
    }

    /// Reports a pending error, then closes (call before reading the stream's bytes).
    func finish() throws {
        if let message = errorMessage {
            throw AudioError.encodingFailed(file: name, detail: message)
        }
        try close()
    }

    /// Callbacks over a `MemoryStream` passed as user data. libsndfile copies the struct.
    private static var virtualIO: SF_VIRTUAL_IO {
        SF_VIRTUAL_IO(
            get_filelen: { user in
                sf_count_t(MemoryStream.from(user)?.count ?? 0)
            },
            seek: { offset, whence, user in
                MemoryStream.from(user)?.seek(offset, whence: whence) ?? -1
            },
            read: { pointer, count, user in
                guard let pointer, let stream = MemoryStream.from(user), count > 0 else { return 0 }
                return sf_count_t(stream.read(into: pointer, count: Int(count)))
            },
            write: { pointer, count, user in
                guard let pointer, let stream = MemoryStream.from(user), count > 0 else { return 0 }
                return sf_count_t(stream.write(pointer, count: Int(count)))
            },
            tell: { user in
                sf_count_t(MemoryStream.from(user)?.position ?? 0)
            })
    }
}
