import Foundation
import RVCTestSupport
import Testing
@testable import RVCCore

@Suite("TorchCheckpoint: reading the parity fixtures")
struct TorchCheckpointTests {
    static let checkpoints = [
        "hubert_tiny.pt", "hubert_tiny_omegaconf.pt", "rmvpe_tiny.pt", "v1_40k_f0.pth", "v2_32k_nof0.pth",
        "v2_48k_f0.pth", "v2_48k_long.pth",
    ]

    @Test("every fixture tensor matches tensors.json", arguments: checkpoints)
    func everyTensorMatchesTheReference(name: String) throws {
        let manifest = try TensorManifest.load()
        let expected = try #require(manifest[name])
        let checkpoint = try TorchCheckpoint.load(Fixtures.parity(name))
        let tensors = TensorManifest.tensors(in: checkpoint.root)
        #expect(Set(tensors.keys) == Set(expected.keys))
        for (path, entry) in expected {
            let tensor = try #require(tensors[path], "\(path) missing")
            let problem = try TensorManifest.mismatch(tensor, entry)
            #expect(problem == nil, "\(name) \(path): \(problem ?? "")")
        }
    }

    @Test("the archive folder name is taken from the file, whatever it is")
    func archiveNameIsDerived() throws {
        let checkpoint = try TorchCheckpoint.load(Fixtures.parity("v1_40k_f0.pth"))
        #expect(checkpoint.archiveName == "v1_40k_f0")
        #expect(checkpoint.byteOrder == "little")
    }

    @Test("tensors borrow the file mapping instead of copying")
    func tensorsAreZeroCopy() throws {
        let url = Fixtures.parity("rmvpe_tiny.pt")
        let file = try MappedFile(url)
        let checkpoint = try TorchCheckpoint.load(file, url: url, limits: .default)
        let tensors = TensorManifest.tensors(in: checkpoint.root)
        let range = UInt(bitPattern: file.base)..<(UInt(bitPattern: file.base) + UInt(file.count))
        var inside = 0
        for tensor in tensors.values where tensor.count > 0 {
            try tensor.withUnsafeBytes { bytes in
                if range.contains(UInt(bitPattern: bytes.baseAddress)) { inside += 1 }
            }
        }
        #expect(inside == tensors.values.filter { $0.count > 0 }.count)
    }
}
