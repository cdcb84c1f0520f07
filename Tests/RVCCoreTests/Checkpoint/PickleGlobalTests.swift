import Testing
@testable import RVCCore

/// The allow-list: what each global a checkpoint names becomes, and that the rest stay inert.
@Suite("PickleGlobal")
struct PickleGlobalTests {
    @Test("allow-listed globals are recognised by module and name")
    func allowListedGlobals() {
        #expect(PickleGlobal(module: "torch._utils", name: "_rebuild_tensor_v2").kind == .rebuildTensorV2)
        #expect(PickleGlobal(module: "torch._utils", name: "_rebuild_parameter").kind == .rebuildParameter)
        #expect(PickleGlobal(module: "collections", name: "OrderedDict").kind == .orderedDict)
        #expect(PickleGlobal(module: "__builtin__", name: "set").kind == .set)
        #expect(PickleGlobal(module: "_codecs", name: "encode").kind == .codecsEncode)
        #expect(PickleGlobal(module: "torch", name: "HalfStorage").kind == .storageType(.float16))
    }

    @Test("anything else, including look-alikes, is an inert class reference")
    func everythingElseIsOther() {
        let others: [(String, String)] = [
            ("os", "system"), ("posix", "system"), ("builtins", "exec"), ("builtins", "eval"),
            ("subprocess", "Popen"), ("builtins", "__import__"), ("builtins", "getattr"),
            ("torch", "load"), ("torch._utils", "_rebuild_qtensor"), ("collections", "defaultdict"),
            ("torch", "FloatStorage2"), ("torch.storage", "FloatStorage"), ("builtins", "OrderedDict"),
        ]
        for (module, name) in others {
            #expect(PickleGlobal(module: module, name: name).kind == .other, "\(module).\(name)")
        }
    }

    @Test("REDUCE of a global outside the allow-list records its arguments and calls nothing")
    func reduceOfOtherIsInert() throws {
        var arena = PickleArena(limits: .default)
        let global = PickleGlobal(module: "os", name: "system")
        let result = try global.reduce([.data(.string("touch /tmp/pwned"))], in: &arena)
        guard case .ref(let index) = result else {
            Issue.record("REDUCE did not make a container")
            return
        }
        #expect(arena[index].kind == .object)
        #expect(arena[index].cls == global)
        guard case .data(.string("touch /tmp/pwned"))? = arena[index].args.first else {
            Issue.record("the argument was not recorded")
            return
        }
    }
}
