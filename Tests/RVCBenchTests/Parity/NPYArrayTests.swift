import Foundation
import RVCBench
import RVCTestSupport
import Testing

@Suite("NPYArray")
struct NPYArrayTests {
    @Test("reads the fixtures' float32, float64 and int16 arrays with their shapes")
    func readsFixtures() throws {
        let hubert = try NPYArray(contentsOf: Fixtures.parity("stage_hubert_v2.npy"))
        #expect(hubert.shape == [99, 64] && hubert.kind == .float32 && hubert.floats().count == 99 * 64)
        let f0 = try NPYArray(contentsOf: Fixtures.parity("stage_rmvpe_f0.npy"))
        #expect(f0.shape == [201] && f0.kind == .float64)
        let output = try NPYArray(contentsOf: Fixtures.parity("v2_32k_nof0_output.npy"))
        #expect(output.kind == .int16 && output.count == 95_360)
        #expect(output.doubles().allSatisfy { $0 == $0.rounded() && abs($0) <= 32_768 })
    }

    @Test("writes and reads back a version-1 file byte for byte")
    func roundTrip() throws {
        let folder = try TemporaryDirectory()
        let values: [Float] = [1.5, -2, 0, .pi]
        let url = folder.file("x.npy")
        try Self.npy(descr: "<f4", shape: "(2, 2)", payload: values.withUnsafeBytes { Data($0) }).write(to: url)
        let array = try NPYArray(contentsOf: url)
        #expect(array.shape == [2, 2] && array.floats() == values)
    }

    @Test("rejects what is not a whole C-order array of a known type, naming the file", arguments: [
        ("not npy", Data("hello world, not numpy".utf8)),
        ("truncated payload", NPYArrayTests.npy(descr: "<f4", shape: "(4,)", payload: Data(count: 8))),
        ("fortran", NPYArrayTests.npy(descr: "<f4", shape: "(1,)", payload: Data(count: 4), fortran: true)),
        ("complex", NPYArrayTests.npy(descr: "<c8", shape: "(1,)", payload: Data(count: 8))),
        ("huge shape", NPYArrayTests.npy(descr: "<f8", shape: "(2147483647, 2147483647, 8)", payload: Data(count: 8))),
        ("header past end", Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0xFF, 0x7F, 0x7B])),
    ])
    func rejectsMalformed(label: String, data: Data) throws {
        let folder = try TemporaryDirectory()
        let url = folder.file("bad.npy")
        try data.write(to: url)
        do {
            let array = try NPYArray(contentsOf: url)
            Issue.record("\(label): read \(array.shape)")
        } catch let error as ParityError {
            guard case .unreadableArray(let file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "bad.npy")
        }
    }

    /// A version-1 `.npy` file.
    static func npy(descr: String, shape: String, payload: Data, fortran: Bool = false) -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        data.append(UInt8(header.utf8.count & 0xFF))
        data.append(UInt8(header.utf8.count >> 8))
        data.append(Data(header.utf8))
        data.append(payload)
        return data
    }
}
