import Testing
@testable import RVCCore

@Suite("ConvLayerSpec")
struct ConvLayerSpecTests {
    @Test("the HuBERT base expression expands to 7 layers")
    func parsesBaseSpec() throws {
        let layers = try ConvLayerSpec.parse("[(512,10,5)] + [(512,3,2)] * 4 + [(512,2,2)] * 2")
        #expect(layers == HuBERTConfig().convLayers)
    }

    @Test("whitespace, several tuples per list and trailing commas are accepted")
    func parsesVariants() throws {
        let layers = try ConvLayerSpec.parse(" [ (8, 3, 1), (16,3,2,) , ] *2 ")
        #expect(layers.map(\.channels) == [8, 16, 8, 16])
    }

    @Test("anything that is not a layer list is refused", arguments: [
        "", "[]", "__import__('os')", "[(1,2)]", "[(1,2,3)] * 99999", "[(1,2,3)] - [(1,2,3)]", "[(1,2,3)] + ",
        "[(0,1,1)]", "[(1,2,3)]]",
    ])
    func refusesOtherText(text: String) {
        #expect(throws: ConvLayerSpec.ParseError.self) { try ConvLayerSpec.parse(text) }
    }
}
