import Foundation
import RVCTestSupport
import Testing
import RVCCore

@Suite("FaissIndexFile")
struct FaissIndexFileTests {
    @Test("the fixture indexes read with the manifest's nlist and reconstruct ntotal rows",
          arguments: ["v1_40k_f0.index", "v2_48k_f0.index"])
    func readsFixtures(name: String) throws {
        let index = try FaissIndexFile.load(Fixtures.parity(name))
        #expect(index.header.type == "IwFl")
        #expect(index.header.quantizerType == "IxF2")
        #expect(index.nlist == 51)  // manifest.json cases[].index_nlist
        #expect(index.nprobe == 1)
        #expect(index.metric == .l2)
        #expect(index.dimension == (name.hasPrefix("v1") ? 16 : 64))
        #expect(index.centroids.count == index.nlist * index.dimension)
        #expect(index.listSizes.reduce(0, +) == index.ntotal)
        #expect(index.ids.count == index.ntotal)
        let all = try index.reconstructAll()
        #expect(all.count == index.ntotal * index.dimension)
        // Row `id` of the reconstruction is the vector stored with that id.
        for list in [0, index.nlist / 2, index.nlist - 1] {
            let (ids, vectors) = index.list(list)
            for (k, id) in ids.enumerated() {
                let row = Array(all[(Int(id) * index.dimension)..<((Int(id) + 1) * index.dimension)])
                let stored = Array(vectors.dropFirst(k * index.dimension).prefix(index.dimension))
                #expect(row == stored)
            }
        }
        #expect(try FaissIndexFile.readHeader(Fixtures.parity(name)) == index.header)
    }

    @Test("full and sparse list-size encodings give the same index", arguments: [false, true])
    func readsBothSizeEncodings(sparse: Bool) throws {
        let dir = try TemporaryDirectory()
        var builder = FaissFileBuilder()
        builder.sparse = sparse
        let index = try FaissIndexFile.load(try dir.write(builder.bytes(), "tiny.index"))
        #expect(index.listSizes == [1, 0, 2])
        #expect(index.listStarts == [0, 1, 1])
        #expect(try index.reconstructAll() == [11, 9, 9, 11, 1, 1])
        #expect(index.list(2).ids.map { $0 } == [0, 1])
    }

    @Test("hostile or unsupported index files are refused with the file named")
    func refusesHostileFiles() throws {
        let dir = try TemporaryDirectory()
        var variants: [(String, FaissFileBuilder)] = []
        var b = FaissFileBuilder(); b.type = "IwPQ"; variants.append(("type", b))
        b = FaissFileBuilder(); b.quantizer = "IHNf"; variants.append(("quantizer", b))
        b = FaissFileBuilder(); b.dimension = -4; variants.append(("dimension", b))
        b = FaissFileBuilder(); b.ntotalOverride = 1 << 50; variants.append(("ntotal", b))
        b = FaissFileBuilder(); b.ntotalOverride = 2; variants.append(("ntotal-mismatch", b))
        b = FaissFileBuilder(); b.nlistOverride = UInt64.max; variants.append(("nlist", b))
        b = FaissFileBuilder(); b.nprobe = 0; variants.append(("nprobe", b))
        for (name, builder) in variants {
            let url = try dir.write(builder.bytes(), "\(name).index")
            #expect(throws: IndexFileError.self, "\(name)") { try FaissIndexFile.load(url) }
            do {
                _ = try FaissIndexFile.load(url)
            } catch let error as IndexFileError {
                #expect(error.description.contains(url.path))
                if name == "type" { #expect(error == .unsupportedType(file: url.path, fourcc: "IwPQ")) }
                if name == "quantizer" { #expect(error == .unsupportedType(file: url.path, fourcc: "IHNf")) }
            }
        }
        // Truncation anywhere.
        let good = FaissFileBuilder().bytes()
        for length in [0, 3, 10, 60, good.count / 2, good.count - 1] {
            let url = try dir.write(Array(good.prefix(length)), "cut\(length).index")
            #expect(throws: IndexFileError.self, "cut at \(length)") { try FaissIndexFile.load(url) }
        }
        // Repeated or out-of-range ids: readable, but not reconstructible.
        for ids: [Int64] in [[0, 0, 2], [0, 1, 3], [-1, 1, 2]] {
            var builder = FaissFileBuilder()
            builder.lists = [[(ids[2], [1, 1])], [], [(ids[0], [11, 9]), (ids[1], [9, 11])]]
            let index = try FaissIndexFile.load(try dir.write(builder.bytes(), "ids.index"))
            #expect(throws: IndexFileError.self) { try index.reconstructAll() }
        }
        let missing = dir.file("absent.index")
        #expect(throws: IndexFileError.io(file: missing.path, message: "No such file or directory")) {
            try FaissIndexFile.load(missing)
        }
    }

    @Test("an index over the size limit is refused before it is parsed; the default is 2 GiB")
    func sizeLimit() throws {
        #expect(FaissIndexFile.defaultMaxBytes == 2 << 30)
        let dir = try TemporaryDirectory()
        let bytes = FaissFileBuilder().bytes()
        let url = try dir.write(bytes, "tiny.index")
        #expect(throws: IndexFileError.tooLarge(file: url.path, bytes: bytes.count, limit: bytes.count - 1)) {
            try FaissIndexFile.load(url, maxBytes: bytes.count - 1)
        }
        #expect(try FaissIndexFile.load(url, maxBytes: bytes.count).ntotal == 3)
    }
}
